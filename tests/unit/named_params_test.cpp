// Parameter rewriting (compile_named / compile_positional), bind(), Params,
// CompiledSqlCache and TextClause.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "asyncsql/error.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/params.hpp"
#include "asyncsql/sql/sql_syntax.hpp"

namespace asyncsql {
namespace {

using Names = std::vector<std::string>;
using Slots = std::vector<std::size_t>;

enum class Dialect { sqlite, postgresql, mysql };

SqlSyntax syntax_of(Dialect d) {
    switch (d) {
    case Dialect::sqlite: return sqlite_syntax();
    case Dialect::postgresql: return postgresql_syntax();
    case Dialect::mysql: return mysql_syntax();
    }
    return {};
}

// The message of the ArgumentError that `f` throws, or a note that it did not.
template <class F>
std::string argument_error(F&& f) {
    try {
        f();
    } catch (const ArgumentError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::invalid_argument);
        return e.message();
    } catch (const std::exception& e) {
        return std::string("unexpected exception: ") + e.what();
    }
    return "<no exception>";
}

// Every recorded offset points at a placeholder of the dialect's form, and
// numbered placeholders carry the right number.
void expect_offsets_consistent(const CompiledSql& c, const SqlSyntax& syntax) {
    std::size_t previous = 0;
    for (std::size_t k = 0; k < c.placeholder_offsets.size(); ++k) {
        const std::size_t at = c.placeholder_offsets[k];
        ASSERT_LT(at, c.sql.size());
        if (k > 0) {
            EXPECT_GT(at, previous);
        }
        previous = at;
        const char expected = syntax.placeholder == PlaceholderStyle::dollar ? '$' : '?';
        EXPECT_EQ(c.sql[at], expected) << "offset " << at << " in " << c.sql;
        if (syntax.placeholder != PlaceholderStyle::qmark) {
            std::size_t end = at + 1;
            while (end < c.sql.size() && c.sql[end] >= '0' && c.sql[end] <= '9') ++end;
            const std::size_t number = std::stoul(c.sql.substr(at + 1, end - at - 1));
            EXPECT_GE(number, 1u);
            EXPECT_LE(number, c.slots.size());
        }
    }
    if (syntax.placeholder == PlaceholderStyle::qmark) {
        EXPECT_EQ(c.placeholder_offsets.size(), c.slots.size());
    } else {
        EXPECT_GE(c.placeholder_offsets.size(), c.slots.size());
    }
}

// ------------------------------------------------------------ compile_named

struct NamedCase {
    const char* label;
    Dialect dialect;
    std::string input;
    std::string expected;
    Names names;
    Slots slots;
};

std::ostream& operator<<(std::ostream& os, const NamedCase& c) { return os << c.label; }

class CompileNamed : public ::testing::TestWithParam<NamedCase> {};

TEST_P(CompileNamed, Rewrites) {
    const NamedCase& c = GetParam();
    const SqlSyntax syntax = syntax_of(c.dialect);
    const CompiledSql out = compile_named(c.input, syntax);
    EXPECT_EQ(out.sql, c.expected);
    EXPECT_EQ(out.names, c.names);
    EXPECT_EQ(out.slots, c.slots);
    EXPECT_TRUE(out.uses_named);
    EXPECT_EQ(out.positional_count, 0u);
    expect_offsets_consistent(out, syntax);
}

constexpr auto sqlite = Dialect::sqlite;
constexpr auto pg = Dialect::postgresql;
constexpr auto my = Dialect::mysql;

const NamedCase named_cases[] = {
    // ---- SQLite: ?N
    {"sqlite_basic", sqlite, "SELECT * FROM t WHERE id = :id AND name = :name",
     "SELECT * FROM t WHERE id = ?1 AND name = ?2", {"id", "name"}, {0, 1}},
    {"sqlite_repeated", sqlite, "SELECT :a + :b + :a", "SELECT ?1 + ?2 + ?1", {"a", "b"}, {0, 1}},
    {"sqlite_string_literal", sqlite, "SELECT ':x', :y", "SELECT ':x', ?1", {"y"}, {0}},
    {"sqlite_doubled_quote", sqlite, "SELECT 'it''s :x', :y", "SELECT 'it''s :x', ?1", {"y"}, {0}},
    {"sqlite_backslash_is_not_escape", sqlite, R"(SELECT 'a\', :y)", R"(SELECT 'a\', ?1)", {"y"}, {0}},
    {"sqlite_double_quoted_ident", sqlite, R"(SELECT "col :x" FROM t WHERE a = :a)",
     R"(SELECT "col :x" FROM t WHERE a = ?1)", {"a"}, {0}},
    {"sqlite_doubled_double_quote", sqlite, R"(SELECT "a"":x", :b)", R"(SELECT "a"":x", ?1)", {"b"}, {0}},
    {"sqlite_backtick", sqlite, "SELECT `c :x` FROM t WHERE a = :a",
     "SELECT `c :x` FROM t WHERE a = ?1", {"a"}, {0}},
    {"sqlite_brackets", sqlite, "SELECT [c :x] FROM t WHERE a = :a",
     "SELECT [c :x] FROM t WHERE a = ?1", {"a"}, {0}},
    {"sqlite_line_comment", sqlite, "SELECT 1 -- :x\nWHERE a = :a", "SELECT 1 -- :x\nWHERE a = ?1",
     {"a"}, {0}},
    {"sqlite_line_comment_at_end", sqlite, "SELECT :a -- :x", "SELECT ?1 -- :x", {"a"}, {0}},
    {"sqlite_block_comment", sqlite, "SELECT /* :x */ :a", "SELECT /* :x */ ?1", {"a"}, {0}},
    {"sqlite_block_comments_do_not_nest", sqlite, "SELECT /* /* */ :a */",
     "SELECT /* /* */ ?1 */", {"a"}, {0}},
    {"sqlite_unterminated_comment", sqlite, "SELECT :a /* :b", "SELECT ?1 /* :b", {"a"}, {0}},
    {"sqlite_hash_is_not_comment", sqlite, "SELECT :a # :b", "SELECT ?1 # ?2", {"a", "b"}, {0, 1}},
    {"sqlite_no_dollar_quotes", sqlite, "SELECT $$ :a $$", "SELECT $$ ?1 $$", {"a"}, {0}},
    {"sqlite_no_e_strings", sqlite, R"(SELECT E'\', :a)", R"(SELECT E'\', ?1)", {"a"}, {0}},
    {"sqlite_escaped_colon", sqlite, R"(SELECT a\:b, \:c, :d)", "SELECT a:b, :c, ?1", {"d"}, {0}},
    {"sqlite_escape_inside_string_kept", sqlite, R"(SELECT '\:x', :d)", R"(SELECT '\:x', ?1)", {"d"}, {0}},
    {"sqlite_escaped_double_colon", sqlite, R"(SELECT \::x)", "SELECT ::x", {}, {}},
    {"sqlite_assign", sqlite, "UPDATE t SET x := :v", "UPDATE t SET x := ?1", {"v"}, {0}},
    {"sqlite_lone_colons", sqlite, "SELECT : , : ;", "SELECT : , : ;", {}, {}},
    {"sqlite_colon_digit", sqlite, "SELECT :1, :2a", "SELECT :1, :2a", {}, {}},
    {"sqlite_ends_after_colon", sqlite, "SELECT :", "SELECT :", {}, {}},
    {"sqlite_ends_after_name", sqlite, "SELECT :a", "SELECT ?1", {"a"}, {0}},
    {"sqlite_only_a_name", sqlite, ":a", "?1", {"a"}, {0}},
    {"sqlite_empty", sqlite, "", "", {}, {}},
    {"sqlite_existing_qmark_kept", sqlite, "SELECT ?, :a", "SELECT ?, ?1", {"a"}, {0}},
    {"sqlite_unterminated_string", sqlite, "SELECT :a, ':b", "SELECT ?1, ':b", {"a"}, {0}},
    {"sqlite_after_identifier_char", sqlite, "SELECT a:b, 1:c, _:d", "SELECT a:b, 1:c, _:d", {}, {}},
    {"sqlite_name_chars", sqlite, "SELECT :_a1_B2, :Z", "SELECT ?1, ?2", {"_a1_B2", "Z"}, {0, 1}},
    {"sqlite_name_then_cast", sqlite, "SELECT :a::text", "SELECT ?1::text", {"a"}, {0}},
    {"sqlite_adjacent", sqlite, "SELECT (:a,:b)", "SELECT (?1,?2)", {"a", "b"}, {0, 1}},
    {"sqlite_unicode_around", sqlite,
     "SELECT 'héllo :x' || :a || 'wörld' -- ✓ :y\n, \"naïve :z\" = :b /* 日本 :w */",
     "SELECT 'héllo :x' || ?1 || 'wörld' -- ✓ :y\n, \"naïve :z\" = ?2 /* 日本 :w */",
     {"a", "b"}, {0, 1}},
    {"sqlite_many_distinct", sqlite, ":a :b :c :d :e :f :g :h :i :j :k",
     "?1 ?2 ?3 ?4 ?5 ?6 ?7 ?8 ?9 ?10 ?11",
     {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"},
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},

    // ---- PostgreSQL: $N
    {"pg_basic", pg, "SELECT * FROM t WHERE id = :id AND name = :name",
     "SELECT * FROM t WHERE id = $1 AND name = $2", {"id", "name"}, {0, 1}},
    {"pg_repeated", pg, "SELECT :a, :b, :a, :b", "SELECT $1, $2, $1, $2", {"a", "b"}, {0, 1}},
    {"pg_string_literal", pg, "SELECT ':x', :y", "SELECT ':x', $1", {"y"}, {0}},
    {"pg_doubled_quote", pg, "SELECT 'it''s :x', :y", "SELECT 'it''s :x', $1", {"y"}, {0}},
    // Plain strings do not honour backslashes: '\' is a whole string.
    {"pg_plain_string_backslash", pg, R"(SELECT '\', :a)", R"(SELECT '\', $1)", {"a"}, {0}},
    // E-strings do: E'\'' is one string holding a quote.
    {"pg_e_string_escaped_quote", pg, R"(SELECT E'\'' || :a)", R"(SELECT E'\'' || $1)", {"a"}, {0}},
    {"pg_e_string_hides_name", pg, R"(SELECT E'\' :x', :a)", R"(SELECT E'\' :x', $1)", {"a"}, {0}},
    {"pg_lowercase_e_string", pg, R"(SELECT e'\' :x', :a)", R"(SELECT e'\' :x', $1)", {"a"}, {0}},
    // "namE'..." is an identifier followed by a plain string, not an E-string.
    {"pg_e_after_identifier", pg, R"(SELECT namE'\', :a)", R"(SELECT namE'\', $1)", {"a"}, {0}},
    {"pg_double_quoted_ident", pg, R"(SELECT "my :col" FROM t WHERE a = :a)",
     R"(SELECT "my :col" FROM t WHERE a = $1)", {"a"}, {0}},
    {"pg_backtick_not_special", pg, "SELECT `:a`", "SELECT `$1`", {"a"}, {0}},
    {"pg_brackets_not_identifiers", pg, "SELECT arr[:i]", "SELECT arr[$1]", {"i"}, {0}},
    {"pg_line_comment", pg, "SELECT 1 -- :x\n, :a", "SELECT 1 -- :x\n, $1", {"a"}, {0}},
    {"pg_block_comment", pg, "SELECT /* :x */ :a", "SELECT /* :x */ $1", {"a"}, {0}},
    {"pg_nested_comments", pg, "SELECT /* a /* :x */ :y */ :z", "SELECT /* a /* :x */ :y */ $1",
     {"z"}, {0}},
    {"pg_deeply_nested_comments", pg, "/*/*/* :a */*/ :b */ :c", "/*/*/* :a */*/ :b */ $1",
     {"c"}, {0}},
    {"pg_hash_is_operator", pg, "SELECT :a # :b", "SELECT $1 # $2", {"a", "b"}, {0, 1}},
    {"pg_casts", pg, "SELECT a::int, :b::text, x::varchar(10)",
     "SELECT a::int, $1::text, x::varchar(10)", {"b"}, {0}},
    {"pg_cast_of_cast", pg, "SELECT :a::text::int", "SELECT $1::text::int", {"a"}, {0}},
    {"pg_dollar_quote", pg, "SELECT $$ :x $$, :y", "SELECT $$ :x $$, $1", {"y"}, {0}},
    {"pg_tagged_dollar_quote", pg, "SELECT $fn$ :x $$ :y $fn$, :z", "SELECT $fn$ :x $$ :y $fn$, $1",
     {"z"}, {0}},
    {"pg_dollar_quote_with_quotes", pg, "SELECT $q$ it's \":x\" $q$, :a",
     "SELECT $q$ it's \":x\" $q$, $1", {"a"}, {0}},
    {"pg_unterminated_dollar_quote", pg, "SELECT :a, $$ :b", "SELECT $1, $$ :b", {"a"}, {0}},
    {"pg_dollar_number_is_not_tag", pg, "SELECT $1, :a, $2", "SELECT $1, $1, $2", {"a"}, {0}},
    {"pg_dollar_after_identifier_is_not_tag", pg, "SELECT x$$ :a $$", "SELECT x$$ $1 $$", {"a"}, {0}},
    {"pg_dollar_quote_then_param", pg, "SELECT $$x$$:a", "SELECT $$x$$$1", {"a"}, {0}},
    {"pg_two_dollar_quotes", pg, "SELECT $a$:x$a$$b$:y$b$, :c", "SELECT $a$:x$a$$b$:y$b$, $1",
     {"c"}, {0}},
    {"pg_escaped_colon", pg, R"(SELECT '{"a":1}'::json, a\:b, \:c, :d)",
     R"(SELECT '{"a":1}'::json, a:b, :c, $1)", {"d"}, {0}},
    {"pg_named_notation", pg, "SELECT f(a := :v, b => :w)", "SELECT f(a := $1, b => $2)",
     {"v", "w"}, {0, 1}},
    {"pg_slices", pg, "SELECT arr[1:2], arr[lo:hi], arr[2:], arr[:3], arr[1:n]",
     "SELECT arr[1:2], arr[lo:hi], arr[2:], arr[:3], arr[1:n]", {}, {}},
    {"pg_jsonb_question_kept", pg, "SELECT data ? 'k' AND id = :id", "SELECT data ? 'k' AND id = $1",
     {"id"}, {0}},
    {"pg_ends_after_colon", pg, "SELECT a:", "SELECT a:", {}, {}},
    {"pg_empty", pg, "", "", {}, {}},
    {"pg_unicode_around", pg, "SELECT 'ünï :x', :a, $ß$ :y $ß$, \"名前\" = :b",
     "SELECT 'ünï :x', $1, $ß$ :y $ß$, \"名前\" = $2", {"a", "b"}, {0, 1}},

    // ---- MySQL: ?
    {"mysql_basic", my, "SELECT * FROM t WHERE id = :id AND name = :name",
     "SELECT * FROM t WHERE id = ? AND name = ?", {"id", "name"}, {0, 1}},
    {"mysql_repeated", my, "SELECT :a, :b, :a", "SELECT ?, ?, ?", {"a", "b"}, {0, 1, 0}},
    {"mysql_repeated_many", my, ":b :a :b :b :a", "? ? ? ? ?", {"b", "a"}, {0, 1, 0, 0, 1}},
    {"mysql_string_literal", my, "SELECT ':x', :y", "SELECT ':x', ?", {"y"}, {0}},
    {"mysql_doubled_quote", my, "SELECT 'it''s :x', :y", "SELECT 'it''s :x', ?", {"y"}, {0}},
    {"mysql_backslash_escape", my, R"(SELECT 'it\'s :x', :y)", R"(SELECT 'it\'s :x', ?)", {"y"}, {0}},
    {"mysql_escaped_backslash_ends_string", my, R"(SELECT 'a\\', :y)", R"(SELECT 'a\\', ?)", {"y"}, {0}},
    {"mysql_double_quoted_string", my, R"(SELECT "a\" :x", :y)", R"(SELECT "a\" :x", ?)", {"y"}, {0}},
    {"mysql_backtick", my, "SELECT `a :x`, `b``:c`, :y", "SELECT `a :x`, `b``:c`, ?", {"y"}, {0}},
    {"mysql_hash_comment", my, "SELECT :a # :b\n, :c", "SELECT ? # :b\n, ?", {"a", "c"}, {0, 1}},
    {"mysql_dash_comment", my, "SELECT 1 -- :a\n, :b", "SELECT 1 -- :a\n, ?", {"b"}, {0}},
    {"mysql_dash_tab_comment", my, "SELECT 1 --\t:a\n, :b", "SELECT 1 --\t:a\n, ?", {"b"}, {0}},
    {"mysql_double_minus_is_not_comment", my, "SELECT 5--:a", "SELECT 5--?", {"a"}, {0}},
    {"mysql_block_comment", my, "SELECT /* :x */ :a", "SELECT /* :x */ ?", {"a"}, {0}},
    {"mysql_block_comments_do_not_nest", my, "SELECT /* /* */ :a */", "SELECT /* /* */ ? */",
     {"a"}, {0}},
    {"mysql_assign", my, "SET @x := :v", "SET @x := ?", {"v"}, {0}},
    {"mysql_assign_no_spaces", my, "SELECT @a:=:v", "SELECT @a:=?", {"v"}, {0}},
    {"mysql_no_dollar_quotes", my, "SELECT $$ :a $$", "SELECT $$ ? $$", {"a"}, {0}},
    {"mysql_escaped_colon", my, R"(SELECT \:a, :b)", "SELECT :a, ?", {"b"}, {0}},
    {"mysql_existing_qmark_kept", my, "SELECT ?, :a", "SELECT ?, ?", {"a"}, {0}},
    {"mysql_unicode_around", my, "SELECT 'ça :x', :a, `ü :y` -- é :z", "SELECT 'ça :x', ?, `ü :y` -- é :z",
     {"a"}, {0}},
    {"mysql_empty", my, "", "", {}, {}},
};

INSTANTIATE_TEST_SUITE_P(Table, CompileNamed, ::testing::ValuesIn(named_cases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(CompileNamedErrors, NameRunningIntoNonAsciiIsRejected) {
    for (Dialect d : {sqlite, pg, my}) {
        const std::string message =
            argument_error([&] { compile_named("SELECT * FROM t WHERE n = :név", syntax_of(d)); });
        EXPECT_NE(message.find("non-ASCII"), std::string::npos) << message;
        EXPECT_NE(message.find(":név"), std::string::npos) << message;
    }
}

TEST(CompileNamedErrors, NonAsciiAfterSpaceIsFine) {
    const CompiledSql out = compile_named("SELECT :n é", postgresql_syntax());
    EXPECT_EQ(out.sql, "SELECT $1 é");
}

TEST(CompileNamed, WithoutColonOrQuestionMarkIsUnchanged) {
    const std::string sql =
        "SELECT a, 'b''c', \"d\", `e`, [f], $$g$$, E'\\h' -- i\n /* j /* k */ */ # l\n FROM t";
    for (Dialect d : {sqlite, pg, my}) {
        EXPECT_EQ(compile_named(sql, syntax_of(d)).sql, sql);
        EXPECT_EQ(compile_positional(sql, syntax_of(d)).sql, sql);
    }
}

TEST(CompileNamed, CustomSyntaxFromTheFirstFiveFields) {
    // MySQL with NO_BACKSLASH_ESCAPES: '\' is a whole string.
    const SqlSyntax no_backslash{PlaceholderStyle::qmark, false, true, false, true};
    EXPECT_EQ(compile_named(R"(SELECT '\', :a)", no_backslash).sql, R"(SELECT '\', ?)");
    EXPECT_EQ(compile_named(R"(SELECT '\', :a)", mysql_syntax()).sql, R"(SELECT '\', :a)");
}

// ------------------------------------------------------- compile_positional

struct PositionalCase {
    const char* label;
    Dialect dialect;
    std::string input;
    std::string expected;
    std::size_t count;
};

std::ostream& operator<<(std::ostream& os, const PositionalCase& c) { return os << c.label; }

class CompilePositional : public ::testing::TestWithParam<PositionalCase> {};

TEST_P(CompilePositional, Rewrites) {
    const PositionalCase& c = GetParam();
    const SqlSyntax syntax = syntax_of(c.dialect);
    const CompiledSql out = compile_positional(c.input, syntax);
    EXPECT_EQ(out.sql, c.expected);
    EXPECT_EQ(out.positional_count, c.count);
    EXPECT_FALSE(out.uses_named);
    EXPECT_TRUE(out.names.empty());
    Slots identity;
    for (std::size_t i = 0; i < c.count; ++i) identity.push_back(i);
    EXPECT_EQ(out.slots, identity);
    EXPECT_EQ(out.placeholder_offsets.size(), c.count);
    expect_offsets_consistent(out, syntax);
}

const PositionalCase positional_cases[] = {
    {"sqlite_basic", sqlite, "SELECT ?, ?", "SELECT ?1, ?2", 2},
    {"sqlite_skips", sqlite, "SELECT '?', \"?\", `?`, [?], ? -- ?\n /* ? */ ?",
     "SELECT '?', \"?\", `?`, [?], ?1 -- ?\n /* ? */ ?2", 2},
    {"sqlite_named_left_alone", sqlite, "SELECT :a, ?", "SELECT :a, ?1", 1},
    {"sqlite_ten_plus", sqlite, "?,?,?,?,?,?,?,?,?,?,?", "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11", 11},
    {"pg_basic", pg, "SELECT * FROM t WHERE a = ? AND b = '?' AND c = ?",
     "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2", 2},
    {"pg_comments", pg, "SELECT ? -- ?\n /* ? /* ? */ ? */ ?", "SELECT $1 -- ?\n /* ? /* ? */ ? */ $2", 2},
    {"pg_dollar_quotes", pg, "SELECT $$?$$, $t$ ? $t$, ?", "SELECT $$?$$, $t$ ? $t$, $1", 1},
    {"pg_e_string", pg, R"(SELECT E'\' ?', ?)", R"(SELECT E'\' ?', $1)", 1},
    {"pg_cast", pg, "SELECT ?::int, a::text", "SELECT $1::int, a::text", 1},
    {"pg_escaped_question_mark", pg, R"(SELECT data \? 'k', data \?| ?)", "SELECT data ? 'k', data ?| $1", 1},
    {"pg_escaped_colon", pg, R"(SELECT \:a, ?)", "SELECT :a, $1", 1},
    {"pg_adjacent", pg, "(?,?)", "($1,$2)", 2},
    {"mysql_basic", my, "SELECT ?, '?', `?`, \"?\", ? # ?\n", "SELECT ?, '?', `?`, \"?\", ? # ?\n", 2},
    {"mysql_backslash", my, R"(SELECT 'a\' ?', ?)", R"(SELECT 'a\' ?', ?)", 1},
    {"mysql_named_left_alone", my, "SELECT :a, ?, :b", "SELECT :a, ?, :b", 1},
    {"sqlite_empty", sqlite, "", "", 0},
    {"pg_no_placeholders", pg, "SELECT 1", "SELECT 1", 0},
    {"pg_unicode_around", pg, "SELECT 'é?', ?, \"ü?\" -- ✓ ?", "SELECT 'é?', $1, \"ü?\" -- ✓ ?", 1},
};

INSTANTIATE_TEST_SUITE_P(Table, CompilePositional, ::testing::ValuesIn(positional_cases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(CompilePositionalErrors, NumberedQuestionMarkIsRejected) {
    for (Dialect d : {sqlite, pg, my}) {
        const std::string message =
            argument_error([&] { compile_positional("SELECT ?1, ?2", syntax_of(d)); });
        EXPECT_NE(message.find("'?1"), std::string::npos) << message;
        EXPECT_NE(message.find("write plain '?'"), std::string::npos) << message;
    }
}

// --------------------------------------------------------------------- bind

TEST(Bind, NamedNumberedBindsOncePerName) {
    const CompiledSql c = compile_named("SELECT :a, :b, :a", postgresql_syntax());
    const std::vector<Value> values = bind(c, {{"b", 2}, {"a", "x"}}, "sql");
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], Value("x"));
    EXPECT_EQ(values[1], Value(2));
}

TEST(Bind, NamedQmarkBindsPerOccurrence) {
    const CompiledSql c = compile_named("SELECT :a, :b, :a", mysql_syntax());
    const std::vector<Value> values = bind(c, {{"a", 1}, {"b", 2}}, "sql");
    EXPECT_EQ(values, (std::vector<Value>{Value(1), Value(2), Value(1)}));
}

TEST(Bind, PositionalInOrder) {
    const CompiledSql c = compile_positional("SELECT ?, ?, ?", sqlite_syntax());
    const std::vector<Value> values = bind(c, Params::positional({1, "two", null}), "sql");
    EXPECT_EQ(values, (std::vector<Value>{Value(1), Value("two"), Value()}));
}

TEST(Bind, NullsAndOptionals) {
    const CompiledSql c = compile_named(":a, :b", postgresql_syntax());
    const std::vector<Value> values =
        bind(c, {{"a", std::optional<int>{}}, {"b", std::optional<int>{7}}}, "sql");
    ASSERT_EQ(values.size(), 2u);
    EXPECT_TRUE(values[0].is_null());
    EXPECT_EQ(values[1], Value(7));
}

TEST(Bind, MissingNamedParameter) {
    const std::string sql = "SELECT * FROM t WHERE id = :id";
    const CompiledSql c = compile_named(sql, postgresql_syntax());
    EXPECT_EQ(argument_error([&] { bind(c, {{"other", 1}}, sql); }),
              "missing value for parameter 'id' in: SELECT * FROM t WHERE id = :id");
    EXPECT_EQ(argument_error([&] { bind(c, Params{}, sql); }),
              "missing value for parameter 'id' in: SELECT * FROM t WHERE id = :id");
}

TEST(Bind, MissingReportsFirstInStatementOrder) {
    const CompiledSql c = compile_named(":a :b :c", mysql_syntax());
    EXPECT_EQ(argument_error([&] { bind(c, {{"a", 1}}, "q"); }),
              "missing value for parameter 'b' in: q");
}

TEST(Bind, UnexpectedNamedParameter) {
    const CompiledSql c = compile_named("SELECT :id, :name", postgresql_syntax());
    EXPECT_EQ(argument_error([&] { bind(c, {{"id", 1}, {"x", 2}, {"name", 3}}, "q"); }),
              "unexpected parameter 'x' (the statement uses: id, name) in: q");
}

TEST(Bind, UnexpectedNamedParameterForStatementWithoutParameters) {
    const CompiledSql c = compile_named("SELECT 1", sqlite_syntax());
    EXPECT_EQ(argument_error([&] { bind(c, {{"x", 2}}, "SELECT 1"); }),
              "unexpected parameter 'x' (the statement uses: no named parameters) in: SELECT 1");
}

TEST(Bind, PositionalCountMismatch) {
    const CompiledSql c = compile_positional("SELECT ?, ?", mysql_syntax());
    EXPECT_EQ(argument_error([&] { bind(c, Params::positional({1, 2, 3}), "SELECT ?, ?"); }),
              "expected 2 positional parameter(s), 3 given in: SELECT ?, ?");
    EXPECT_EQ(argument_error([&] { bind(c, Params::positional({1}), "SELECT ?, ?"); }),
              "expected 2 positional parameter(s), 1 given in: SELECT ?, ?");
    EXPECT_EQ(argument_error([&] { bind(c, Params{}, "SELECT ?, ?"); }),
              "expected 2 positional parameter(s), 0 given in: SELECT ?, ?");
}

TEST(Bind, PositionalValuesForNamedStatement) {
    const CompiledSql c = compile_named("SELECT :a", postgresql_syntax());
    const std::string message = argument_error([&] { bind(c, Params::positional({1}), "SELECT :a"); });
    EXPECT_NE(message.find("positional parameter(s) given to a statement that uses named"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("(a)"), std::string::npos) << message;
}

TEST(Bind, NamedValuesForPositionalStatement) {
    const CompiledSql c = compile_positional("SELECT ?", postgresql_syntax());
    const std::string message = argument_error([&] { bind(c, {{"a", 1}}, "SELECT ?"); });
    EXPECT_EQ(message,
              "named parameter 'a' given to a statement that uses positional '?' placeholders "
              "in: SELECT ?");
}

TEST(Bind, EmptyParamsWithoutPlaceholders) {
    const CompiledSql named = compile_named("SELECT 1", postgresql_syntax());
    const CompiledSql positional = compile_positional("SELECT 1", postgresql_syntax());
    for (const CompiledSql* c : {&named, &positional}) {
        EXPECT_TRUE(bind(*c, Params{}, "SELECT 1").empty());
        EXPECT_TRUE(bind(*c, Params::positional({}), "SELECT 1").empty());
        EXPECT_TRUE(bind(*c, Params::named(std::vector<NamedParam>{}), "SELECT 1").empty());
    }
}

TEST(Bind, ManyNamesUseTheHashedLookup) {
    std::string sql = "INSERT INTO t VALUES ";
    Params params;
    for (int i = 0; i < 40; ++i) {
        sql += (i ? ", (:p" : "(:p") + std::to_string(i) + ")";
        params.add("p" + std::to_string(39 - i), 39 - i);
    }
    const CompiledSql c = compile_named(sql, postgresql_syntax());
    const std::vector<Value> values = bind(c, params, sql);
    ASSERT_EQ(values.size(), 40u);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(values[static_cast<std::size_t>(i)], Value(i));
    params.add("extra", 1);
    EXPECT_EQ(argument_error([&] { bind(c, params, sql); }).rfind("unexpected parameter 'extra'", 0),
              0u);
}

// ------------------------------------------------------------------- Params

void takes_params(const Params& p, std::size_t expected_size) {
    EXPECT_TRUE(p.is_named());
    EXPECT_EQ(p.size(), expected_size);
}

TEST(ParamsTest, BracedNamedForms) {
    Params one = {{"id", 5}};
    EXPECT_TRUE(one.is_named());
    EXPECT_FALSE(one.is_positional());
    ASSERT_EQ(one.size(), 1u);
    ASSERT_NE(one.find("id"), nullptr);
    EXPECT_EQ(*one.find("id"), Value(5));

    Params two{{"a", 1}, {"b", "x"}};
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(*two.find("a"), Value(1));
    EXPECT_EQ(*two.find("b"), Value(std::string("x")));
    EXPECT_EQ(two.named()[1].name, "b");
    EXPECT_EQ(two.find("c"), nullptr);

    Params parenthesised({{"a", 1}});
    EXPECT_TRUE(parenthesised.is_named());

    takes_params({{"id", 5}, {"name", "ada"}}, 2);
    takes_params({{"id", 5}}, 1);

    std::vector<Params> many = {{{"a", 1}}, {{"a", 2}, {"b", 3}}};
    ASSERT_EQ(many.size(), 2u);
    EXPECT_EQ(many[0].size(), 1u);
    EXPECT_EQ(many[1].size(), 2u);
}

// Vectors convert only through the named factories, so that a braced list of
// pairs can never be read as positional values.
static_assert(!std::is_convertible_v<std::vector<Value>, Params>);
static_assert(!std::is_convertible_v<std::vector<NamedParam>, Params>);
static_assert(std::is_nothrow_default_constructible_v<Params>);

TEST(ParamsTest, Positional) {
    Params p = Params::positional({1, "x", null, 2.5});
    EXPECT_TRUE(p.is_positional());
    EXPECT_FALSE(p.is_named());
    EXPECT_EQ(p.size(), 4u);
    EXPECT_EQ(p.positional_values()[1], Value("x"));
    EXPECT_TRUE(p.named().empty());
    EXPECT_EQ(p.find("x"), nullptr);

    Params variadic = Params::positional(1, "x", null, 2.5);
    EXPECT_EQ(variadic, p);
    EXPECT_EQ(Params::positional(std::vector<Value>{Value(1)}), Params::positional(1));
}

TEST(ParamsTest, NoneAndEmpty) {
    Params none;
    EXPECT_EQ(none.kind(), Params::Kind::none);
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.size(), 0u);
    Params braces = {};
    EXPECT_EQ(braces.kind(), Params::Kind::none);
    EXPECT_TRUE(Params::positional({}).empty());
    EXPECT_TRUE(Params::positional({}).is_positional());
}

TEST(ParamsTest, Add) {
    Params p;
    p.add("a", 1).add("b", "two");
    EXPECT_TRUE(p.is_named());
    EXPECT_EQ(p.size(), 2u);
    EXPECT_EQ(*p.find("b"), Value("two"));
    EXPECT_EQ(argument_error([&] { p.add("a", 3); }), "duplicate parameter 'a'");
    EXPECT_EQ(p.size(), 2u);
    Params positional = Params::positional({1});
    EXPECT_EQ(argument_error([&] { positional.add("a", 1); }),
              "cannot add named parameter 'a' to positional parameters");
}

TEST(ParamsTest, DuplicateNames) {
    EXPECT_EQ(argument_error([] { Params p{{"a", 1}, {"b", 2}, {"a", 3}}; }),
              "duplicate parameter 'a'");
    EXPECT_EQ(argument_error([] { Params p = Params::named(std::vector<NamedParam>{{"x", 1}, {"x", 1}}); }),
              "duplicate parameter 'x'");
    std::vector<NamedParam> big;
    for (int i = 0; i < 30; ++i) big.push_back({"n" + std::to_string(i), i});
    EXPECT_EQ(Params::named(big).size(), 30u);
    big.push_back({"n17", 0});
    EXPECT_EQ(argument_error([&] { Params p = Params::named(big); }), "duplicate parameter 'n17'");
}

TEST(ParamsTest, BadNames) {
    EXPECT_EQ(argument_error([] { Params p{{"", 1}}; }), "parameter name must not be empty");
    EXPECT_EQ(argument_error([] { Params p{{":id", 1}}; }),
              "parameter name ':id' must be given without the leading ':' (write \"id\")");
    Params p;
    EXPECT_EQ(argument_error([&] { p.add("", 1); }), "parameter name must not be empty");
}

// -------------------------------------------------------------------- cache

TEST(Cache, HitReturnsSameObject) {
    CompiledSqlCache cache(4);
    auto first = cache.get("SELECT :a", postgresql_syntax(), false);
    auto second = cache.get("SELECT :a", postgresql_syntax(), false);
    EXPECT_EQ(first.get(), second.get());
    EXPECT_EQ(first->sql, "SELECT $1");
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.hits(), 1u);
    EXPECT_EQ(cache.misses(), 1u);
}

TEST(Cache, KeyIncludesSyntaxAndMode) {
    CompiledSqlCache cache(8);
    auto pg_named = cache.get("SELECT :a, ?", postgresql_syntax(), false);
    auto pg_positional = cache.get("SELECT :a, ?", postgresql_syntax(), true);
    auto sqlite_named = cache.get("SELECT :a, ?", sqlite_syntax(), false);
    auto mysql_named = cache.get("SELECT :a, ?", mysql_syntax(), false);
    EXPECT_EQ(pg_named->sql, "SELECT $1, ?");
    EXPECT_EQ(pg_positional->sql, "SELECT :a, $1");
    EXPECT_EQ(sqlite_named->sql, "SELECT ?1, ?");
    EXPECT_EQ(mysql_named->sql, "SELECT ?, ?");
    EXPECT_EQ(cache.size(), 4u);
    EXPECT_EQ(cache.hits(), 0u);
    // Same style, different scanning rules: a separate entry.
    SqlSyntax no_backslash = mysql_syntax();
    no_backslash.backslash_escapes_in_strings = false;
    EXPECT_EQ(cache.get(R"('\', :a)", mysql_syntax(), false)->sql, R"('\', :a)");
    EXPECT_EQ(cache.get(R"('\', :a)", no_backslash, false)->sql, R"('\', ?)");
}

TEST(Cache, EvictsLeastRecentlyUsed) {
    CompiledSqlCache cache(2);
    const SqlSyntax s = sqlite_syntax();
    auto a = cache.get("A :x", s, false);
    cache.get("B :x", s, false);
    EXPECT_EQ(cache.get("A :x", s, false).get(), a.get());  // A is now the most recent
    cache.get("C :x", s, false);                              // evicts B
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(cache.contains("A :x", s, false));
    EXPECT_FALSE(cache.contains("B :x", s, false));
    EXPECT_TRUE(cache.contains("C :x", s, false));
    cache.get("D :x", s, false);  // evicts A (C was used after A)
    EXPECT_FALSE(cache.contains("A :x", s, false));
    EXPECT_TRUE(cache.contains("C :x", s, false));
    EXPECT_TRUE(cache.contains("D :x", s, false));
    // An evicted entry stays alive for whoever holds it.
    EXPECT_EQ(a->sql, "A ?1");
    EXPECT_NE(cache.get("A :x", s, false).get(), a.get());
}

TEST(Cache, ContainsDoesNotTouchRecency) {
    CompiledSqlCache cache(2);
    const SqlSyntax s = postgresql_syntax();
    cache.get("A", s, false);
    cache.get("B", s, false);
    EXPECT_TRUE(cache.contains("A", s, false));
    cache.get("C", s, false);
    EXPECT_FALSE(cache.contains("A", s, false));
    EXPECT_TRUE(cache.contains("B", s, false));
}

TEST(Cache, CapacityZeroDoesNotCache) {
    CompiledSqlCache cache(0);
    auto first = cache.get("SELECT :a", mysql_syntax(), false);
    auto second = cache.get("SELECT :a", mysql_syntax(), false);
    EXPECT_NE(first.get(), second.get());
    EXPECT_EQ(first->sql, second->sql);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.contains("SELECT :a", mysql_syntax(), false));
    EXPECT_EQ(cache.misses(), 2u);
}

TEST(Cache, KeyOwnsItsText) {
    CompiledSqlCache cache(2);
    std::string buffer = "SELECT :a FROM a_table_name_long_enough_to_live_on_the_heap";
    const std::string original = buffer;
    auto first = cache.get(buffer, postgresql_syntax(), false);
    buffer.assign(buffer.size(), 'x');
    EXPECT_TRUE(cache.contains(original, postgresql_syntax(), false));
    EXPECT_EQ(cache.get(original, postgresql_syntax(), false).get(), first.get());
}

TEST(Cache, CompileErrorIsNotCached) {
    CompiledSqlCache cache(2);
    EXPECT_THROW(cache.get("SELECT ?1", postgresql_syntax(), true), ArgumentError);
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_THROW(cache.get("SELECT ?1", postgresql_syntax(), true), ArgumentError);
}

TEST(Cache, Clear) {
    CompiledSqlCache cache(2);
    cache.get("A", postgresql_syntax(), false);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.contains("A", postgresql_syntax(), false));
    cache.get("A", postgresql_syntax(), false);
    EXPECT_EQ(cache.size(), 1u);
}

// --------------------------------------------------------------- TextClause

TEST(TextClauseTest, CompilesOncePerSyntaxAndMode) {
    const TextClause q = text("SELECT * FROM t WHERE id = :id");
    EXPECT_EQ(q.sql(), "SELECT * FROM t WHERE id = :id");
    const CompiledSql& first = q.compiled(postgresql_syntax(), false);
    EXPECT_EQ(first.sql, "SELECT * FROM t WHERE id = $1");
    EXPECT_EQ(&q.compiled(postgresql_syntax(), false), &first);
    EXPECT_EQ(&q.compiled(postgresql_syntax(), false), &first);
    EXPECT_EQ(q.shared_compiled(postgresql_syntax(), false).get(), &first);

    const CompiledSql& mysql = q.compiled(mysql_syntax(), false);
    EXPECT_NE(&mysql, &first);
    EXPECT_EQ(mysql.sql, "SELECT * FROM t WHERE id = ?");
    const CompiledSql& positional = q.compiled(postgresql_syntax(), true);
    EXPECT_NE(&positional, &first);
    EXPECT_FALSE(positional.uses_named);
    // The earlier reference is still valid and still returned.
    EXPECT_EQ(&q.compiled(postgresql_syntax(), false), &first);
    EXPECT_EQ(first.sql, "SELECT * FROM t WHERE id = $1");
}

TEST(TextClauseTest, CopiesShareCompiledForms) {
    TextClause q = text("SELECT :a");
    const CompiledSql* first = &q.compiled(sqlite_syntax(), false);
    TextClause copy = q;
    EXPECT_EQ(&copy.compiled(sqlite_syntax(), false), first);
    TextClause moved = std::move(q);
    EXPECT_EQ(&moved.compiled(sqlite_syntax(), false), first);
    EXPECT_EQ(q.sql(), "SELECT :a");  // NOLINT(bugprone-use-after-move): documented as usable
}

TEST(TextClauseTest, ErrorsAreNotKept) {
    const TextClause q = text("SELECT ?1");
    EXPECT_THROW(q.compiled(postgresql_syntax(), true), ArgumentError);
    EXPECT_THROW(q.compiled(postgresql_syntax(), true), ArgumentError);
    EXPECT_EQ(q.compiled(postgresql_syntax(), false).sql, "SELECT ?1");
}

TEST(TextClauseTest, BindThroughTextClause) {
    const TextClause q = text("UPDATE t SET name = :name WHERE id = :id OR parent = :id");
    const CompiledSql& c = q.compiled(mysql_syntax(), false);
    const std::vector<Value> values = bind(c, {{"id", 7}, {"name", "ada"}}, q.sql());
    EXPECT_EQ(values, (std::vector<Value>{Value("ada"), Value(7), Value(7)}));
}

// ----------------------------------------------------------------- syntaxes

TEST(SqlSyntaxTest, ReadyMadeDialects) {
    constexpr SqlSyntax s = sqlite_syntax();
    static_assert(s.placeholder == PlaceholderStyle::numbered_qmark);
    EXPECT_FALSE(s.backslash_escapes_in_strings);
    EXPECT_TRUE(s.backtick_identifiers);
    EXPECT_FALSE(s.dollar_quoted_strings);
    EXPECT_FALSE(s.hash_comments);

    constexpr SqlSyntax p = postgresql_syntax();
    static_assert(p.placeholder == PlaceholderStyle::dollar);
    EXPECT_FALSE(p.backslash_escapes_in_strings);
    EXPECT_TRUE(p.escape_string_prefix);
    EXPECT_TRUE(p.dollar_quoted_strings);
    EXPECT_TRUE(p.nested_block_comments);
    EXPECT_FALSE(p.hash_comments);

    constexpr SqlSyntax m = mysql_syntax();
    static_assert(m.placeholder == PlaceholderStyle::qmark);
    EXPECT_TRUE(m.backslash_escapes_in_strings);
    EXPECT_TRUE(m.backtick_identifiers);
    EXPECT_TRUE(m.hash_comments);
    EXPECT_FALSE(m.dollar_quoted_strings);

    EXPECT_EQ(to_string(PlaceholderStyle::dollar), "dollar");
}

TEST(HighestDollarPlaceholder, CountsPostgresqlPlaceholdersOutsideLiteralsAndComments) {
    const SqlSyntax pg = postgresql_syntax();
    EXPECT_EQ(highest_dollar_placeholder("SELECT 1", pg), 0u);
    EXPECT_EQ(highest_dollar_placeholder("SELECT $1, $3, $2", pg), 3u);
    EXPECT_EQ(highest_dollar_placeholder("SELECT '$5', \"$6\", $1 -- $7\n/* $8 */", pg), 1u);
    EXPECT_EQ(highest_dollar_placeholder("DO $$ BEGIN PERFORM $9; END $$; SELECT $2", pg), 2u);
    EXPECT_EQ(highest_dollar_placeholder("SELECT x$1, $tag$ $4 $tag$", pg), 0u);
    EXPECT_EQ(highest_dollar_placeholder("SELECT $12::int", pg), 12u);
}

}  // namespace
}  // namespace asyncsql
