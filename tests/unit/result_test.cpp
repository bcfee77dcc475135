// Row, Columns and Result over hand-made RowSets: lookups by name (few and
// many columns, repeated names), mapping into structs, consuming rows.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/describe/class.hpp>
#include <gtest/gtest.h>

#include "asyncsql/error.hpp"
#include "asyncsql/result/result.hpp"
#include "asyncsql/result/row.hpp"

namespace {

using namespace asyncsql;

struct Named {
    std::int64_t id;
    std::string name;
};
BOOST_DESCRIBE_STRUCT(Named, (), (id, name))

// A RowSet with `names` as its columns and row r holding r * 10 + c in column c.
std::shared_ptr<const RowSet> numbered(std::vector<std::string> names, std::size_t rows) {
    auto set = std::make_shared<RowSet>();
    const std::size_t width = names.size();
    set->columns = std::make_shared<const Columns>(std::move(names));
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < width; ++c) set->values.emplace_back(static_cast<std::int64_t>(r * 10 + c));
    return set;
}

TEST(Columns, FindsNamesInFewAndManyColumns) {
    for (std::size_t width : {3, 16, 17, 40}) {
        std::vector<std::string> names;
        for (std::size_t i = 0; i < width; ++i) names.push_back("c" + std::to_string(i));
        const Columns columns(names);
        for (std::size_t i = 0; i < width; ++i) EXPECT_EQ(columns.find(names[i]), i);
        EXPECT_EQ(columns.find("nope"), SIZE_MAX);
        EXPECT_THROW(columns.index_of("nope"), InterfaceError);
        EXPECT_TRUE(columns.unique());
    }
}

TEST(Columns, TheFirstOfARepeatedNameWins) {
    for (std::size_t width : {4, 20}) {
        std::vector<std::string> names{"a", "b", "a"};
        for (std::size_t i = names.size(); i < width; ++i) names.push_back("c" + std::to_string(i));
        const Columns columns(names);
        EXPECT_EQ(columns.find("a"), 0u);
        EXPECT_FALSE(columns.unique());
    }
}

TEST(Row, IndexOutOfRangeThrows) {
    const Row row(numbered({"a", "b"}, 1), 0);
    EXPECT_EQ(row.get<std::int64_t>(1), 1);
    EXPECT_THROW((void)row[2], InterfaceError);
    EXPECT_THROW((void)row.get<std::int64_t>(2), InterfaceError);
}

TEST(Row, DescribedStructsMapByNameInAnyOrder) {
    auto set = std::make_shared<RowSet>();
    set->columns = std::make_shared<const Columns>(std::vector<std::string>{"name", "id"});
    set->values = {Value(std::string("ada")), Value(std::int64_t{7})};
    const Named named = Row(set, 0).as<Named>();
    EXPECT_EQ(named.id, 7);
    EXPECT_EQ(named.name, "ada");
}

TEST(Row, DescribedStructsReadTheFirstOfARepeatedName) {
    // Column 1 is a "name" at the field's own position, but column 0 is the first.
    auto set = std::make_shared<RowSet>();
    set->columns = std::make_shared<const Columns>(std::vector<std::string>{"name", "name", "id"});
    set->values = {Value(std::string("first")), Value(std::string("second")), Value(std::int64_t{1})};
    const Row row(set, 0);
    EXPECT_EQ(row.as<Named>().name, "first");
    EXPECT_EQ(row.get<std::string>("name"), "first");
    EXPECT_EQ((row.as<std::tuple<std::string, std::string, std::int64_t>>()),
              std::make_tuple(std::string("first"), std::string("second"), std::int64_t{1}));
    struct TwoFields {
        std::string name;
        std::int64_t id;
    };
    EXPECT_THROW(row.as<TwoFields>(), DataError);  // 3 columns, 2 fields
}

TEST(Result, AsAndScalarsConsumeEveryRow) {
    Result result(numbered({"a", "b"}, 3), -1, std::nullopt);
    ASSERT_TRUE(result.fetchone());
    const auto pairs = result.as<std::tuple<std::int64_t, std::int64_t>>();
    ASSERT_EQ(pairs.size(), 2u);
    EXPECT_EQ(pairs[1], std::make_tuple(std::int64_t{20}, std::int64_t{21}));
    EXPECT_EQ(result.remaining(), 0u);
    EXPECT_TRUE((result.as<std::tuple<std::int64_t, std::int64_t>>().empty()));

    Result again(numbered({"a"}, 3), -1, std::nullopt);
    EXPECT_EQ(again.scalars<std::int64_t>(), (std::vector<std::int64_t>{0, 10, 20}));
    EXPECT_FALSE(again.fetchone());
}

TEST(Result, ARowThatDoesNotMapIsConsumed) {
    auto set = std::make_shared<RowSet>();
    set->columns = std::make_shared<const Columns>(std::vector<std::string>{"a"});
    set->values = {Value(std::int64_t{1}), Value(std::string("x")), Value(std::int64_t{3})};
    Result result(set, -1, std::nullopt);
    EXPECT_THROW(result.scalars<std::int64_t>(), DataError);
    EXPECT_EQ(result.remaining(), 1u);
    EXPECT_EQ(result.scalars<std::int64_t>(), std::vector<std::int64_t>{3});
}

TEST(Result, MappingsOfTheRemainingRows) {
    Result result(numbered({"a", "b"}, 2), -1, std::nullopt);
    const auto maps = result.mappings();
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(maps[1].at("b"), Value(std::int64_t{11}));
}

TEST(RowSet, ReserveMoreGrowsAtLeastTwofold) {
    RowSet set;
    set.columns = std::make_shared<const Columns>(std::vector<std::string>{"a", "b"});
    set.reserve_more(3);
    EXPECT_EQ(set.values.capacity(), 6u);
    set.values.resize(6);
    set.reserve_more(1);
    EXPECT_GE(set.values.capacity(), 12u);
    const auto capacity = set.values.capacity();
    set.reserve_more(1);  // fits already
    EXPECT_EQ(set.values.capacity(), capacity);
}

}  // namespace
