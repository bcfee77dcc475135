#pragma once
// Result: a buffered statement result. Reading methods consume rows from a
// cursor as in SQLAlchemy (fetchone/fetchmany/all/partitions continue where the
// last one stopped); first/one/scalar... look at the remaining rows and
// consume them all.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/result/row.hpp"

namespace asyncsql {

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

class Result {
public:
    Result() = default;
    Result(std::shared_ptr<const RowSet> rows, std::int64_t rowcount,
           std::optional<std::int64_t> last_insert_id);

    // Column names; empty for statements that return no rows.
    const std::vector<std::string>& keys() const noexcept;
    bool returns_rows() const noexcept { return rows_ && rows_->columns && rows_->columns->size(); }

    // Rows changed by INSERT/UPDATE/DELETE (summed over an executemany); -1 when unknown.
    std::int64_t rowcount() const noexcept { return rowcount_; }
    // The row id of the last inserted row where the backend reports one.
    std::optional<std::int64_t> last_insert_id() const noexcept { return last_insert_id_; }

    // Rows not yet consumed.
    std::size_t remaining() const noexcept;

    std::optional<Row> fetchone();
    std::vector<Row> fetchmany(std::size_t n);
    std::vector<Row> all();
    std::vector<std::vector<Row>> partitions(std::size_t size);

    // First remaining row or nullopt; consumes the result.
    std::optional<Row> first();
    // Exactly one row, else NoResultFound / MultipleResultsFound.
    Row one();
    std::optional<Row> one_or_none();

    // First column of the first row. With no row: nullopt for optional T,
    // NoResultFound otherwise.
    template <Decodable T = Value>
    T scalar() {
        auto row = first();
        if (!row) return no_row<T>();
        return row->template get<T>(std::size_t{0});
    }
    template <Decodable T = Value>
    T scalar_one() { return one().template get<T>(std::size_t{0}); }
    template <Decodable T = Value>
    T scalar_one_or_none() {
        auto row = one_or_none();
        if (!row) return no_row<T>();
        return row->template get<T>(std::size_t{0});
    }
    // First column of every remaining row.
    template <Decodable T = Value>
    std::vector<T> scalars() {
        return consume_each<T>([](const Row& row) { return row.template get<T>(std::size_t{0}); });
    }
    // Every remaining row mapped with Row::as<T>().
    template <class T>
    std::vector<T> as() {
        return consume_each<T>([](const Row& row) { return row.template as<T>(); });
    }

    std::vector<std::unordered_map<std::string, Value>> mappings();

    // Drops later duplicates of remaining rows (all columns compared); returns *this.
    Result& unique();

    // Iterates the remaining rows without consuming them.
    class iterator;
    iterator begin() const;
    iterator end() const;

private:
    // `read` applied to every remaining row, consumed one by one (a row that
    // throws is consumed). One Row steps along the set: no shared_ptr copy
    // per row.
    template <class T, class Read>
    std::vector<T> consume_each(Read read) {
        std::vector<T> out;
        out.reserve(remaining());
        if (remaining() == 0) return out;
        Row row(rows_, cursor_);
        for (const std::size_t end = rows_->row_count(); cursor_ < end;) {
            row.index_ = cursor_++;
            out.push_back(read(row));
        }
        return out;
    }

    template <class T>
    T no_row() const {
        if constexpr (detail::is_optional<T>::value) return T{};
        else throw_no_row();
    }
    [[noreturn]] void throw_no_row() const;

    std::shared_ptr<const RowSet> rows_;
    std::size_t cursor_ = 0;
    std::int64_t rowcount_ = -1;
    std::optional<std::int64_t> last_insert_id_;
};

class Result::iterator {
public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const std::shared_ptr<const RowSet>* rows, std::size_t index) : rows_(rows), index_(index) {}
    Row operator*() const { return Row(*rows_, index_); }
    iterator& operator++() { ++index_; return *this; }
    iterator operator++(int) { auto old = *this; ++index_; return old; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }

private:
    const std::shared_ptr<const RowSet>* rows_ = nullptr;
    std::size_t index_ = 0;
};

inline Result::iterator Result::begin() const { return iterator(&rows_, cursor_); }
inline Result::iterator Result::end() const {
    return iterator(&rows_, rows_ ? rows_->row_count() : 0);
}

}  // namespace asyncsql
