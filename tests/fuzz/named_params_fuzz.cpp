// libFuzzer target for the parameter rewriter.
//
// Build and run (from the repository root):
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//       -fno-sanitize-recover=all -Iinclude \
//       tests/fuzz/named_params_fuzz.cpp src/sql/*.cpp src/error/error.cpp \
//       -o /tmp/named_params_fuzz
//   /tmp/named_params_fuzz -max_total_time=30 -max_len=512 \
//       /tmp/named_params_corpus tests/fuzz/corpus/named_params
//
// For every input and each of the three dialects, compile_named and
// compile_positional either return or throw ArgumentError, and the result
// satisfies the invariants below; anything else aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/params.hpp"
#include "asyncsql/sql/sql_syntax.hpp"

namespace {

using namespace asyncsql;

[[noreturn]] void fail(const char* what, std::string_view input, const CompiledSql* c = nullptr) {
    std::fprintf(stderr, "invariant failed: %s\ninput: [%.*s]\n", what,
                 static_cast<int>(input.size()), input.data());
    if (c) std::fprintf(stderr, "output: [%s]\n", c->sql.c_str());
    std::abort();
}

void check(bool ok, const char* what, std::string_view input, const CompiledSql* c = nullptr) {
    if (!ok) fail(what, input, c);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Length of the placeholder at `at` and, for numbered styles, its number.
std::size_t placeholder_at(const CompiledSql& c, std::size_t at, PlaceholderStyle style,
                           std::size_t& number) {
    number = 0;
    if (style == PlaceholderStyle::qmark) return 1;
    std::size_t end = at + 1;
    while (end < c.sql.size() && is_digit(c.sql[end])) {
        number = number * 10 + static_cast<std::size_t>(c.sql[end] - '0');
        ++end;
    }
    return end - at;
}

bool is_subsequence(std::string_view small, std::string_view big) {
    std::size_t j = 0;
    for (char ch : big)
        if (j < small.size() && small[j] == ch) ++j;
    return j == small.size();
}

void check_compiled(const CompiledSql& c, std::string_view input, const SqlSyntax& syntax,
                    bool positional) {
    const PlaceholderStyle style = syntax.placeholder;
    check(c.uses_named == !positional, "uses_named matches the mode", input, &c);

    // Placeholders counted from the output agree with slots.
    const char mark = style == PlaceholderStyle::dollar ? '$' : '?';
    std::string remainder;  // output with every placeholder cut out
    std::size_t copied = 0;
    std::size_t removed_source = 0;  // bytes of :name / ? the placeholders replaced
    std::vector<bool> number_seen(c.slots.size() + 1, false);
    for (std::size_t k = 0; k < c.placeholder_offsets.size(); ++k) {
        const std::size_t at = c.placeholder_offsets[k];
        check(at >= copied && at < c.sql.size(), "offsets increase and lie inside sql", input, &c);
        check(c.sql[at] == mark, "offset points at a placeholder", input, &c);
        std::size_t number = 0;
        const std::size_t length = placeholder_at(c, at, style, number);
        std::size_t index = 0;  // index into names, or positional index
        if (style == PlaceholderStyle::qmark) {
            check(k < c.slots.size(), "qmark: a slot for every '?'", input, &c);
            index = c.slots[k];
        } else {
            check(number >= 1 && number <= c.slots.size(), "placeholder number in range", input, &c);
            number_seen[number] = true;
            index = c.slots[number - 1];
        }
        if (positional) {
            removed_source += 1;
        } else {
            check(index < c.names.size(), "slot indexes a name", input, &c);
            removed_source += 1 + c.names[index].size();
        }
        remainder.append(c.sql, copied, at - copied);
        copied = at + length;
    }
    remainder.append(c.sql, copied, std::string::npos);

    if (style == PlaceholderStyle::qmark) {
        check(c.placeholder_offsets.size() == c.slots.size(), "qmark: one slot per '?'", input, &c);
    } else {
        for (std::size_t n = 1; n < number_seen.size(); ++n)
            check(number_seen[n], "numbered: every number is used", input, &c);
        check(c.placeholder_offsets.size() >= c.slots.size(), "numbered: slots <= placeholders",
              input, &c);
    }
    if (positional) {
        check(c.names.empty(), "positional: no names", input, &c);
        check(c.positional_count == c.slots.size(), "positional: count == slots", input, &c);
        for (std::size_t k = 0; k < c.slots.size(); ++k)
            check(c.slots[k] == k, "positional: slots in order", input, &c);
    } else {
        check(c.positional_count == 0, "named: no positional count", input, &c);
        if (style != PlaceholderStyle::qmark) {
            check(c.slots.size() == c.names.size(), "numbered: one slot per name", input, &c);
            for (std::size_t k = 0; k < c.slots.size(); ++k)
                check(c.slots[k] == k, "numbered: slots follow first appearance", input, &c);
        }
        for (std::size_t k = 0; k < c.names.size(); ++k) {
            check(!c.names[k].empty(), "names are not empty", input, &c);
            for (std::size_t j = 0; j < k; ++j)
                check(c.names[j] != c.names[k], "names are distinct", input, &c);
        }
    }

    // The text between placeholders is copied from the input in order, minus
    // the replaced tokens and the backslashes of \: and \? escapes.
    check(is_subsequence(remainder, input), "output text is a subsequence of the input", input, &c);
    check(remainder.size() + removed_source <= input.size(), "lengths add up", input, &c);
    if (input.find('\\') == std::string_view::npos)
        check(remainder.size() + removed_source == input.size(),
              "without backslashes only placeholders change the text", input, &c);

    // Text without ':' and '?' comes back unchanged.
    if (input.find_first_of(":?") == std::string_view::npos) {
        check(c.sql == input, "no ':' or '?': unchanged", input, &c);
        check(c.slots.empty() && c.names.empty(), "no ':' or '?': no parameters", input, &c);
    }

    // bind() accepts exactly the values the statement asks for.
    Params params;
    if (positional) {
        std::vector<Value> values;
        for (std::size_t k = 0; k < c.positional_count; ++k)
            values.emplace_back(static_cast<std::int64_t>(k));
        params = Params::positional(std::move(values));
    } else {
        for (std::size_t k = 0; k < c.names.size(); ++k)
            params.add(c.names[k], static_cast<std::int64_t>(k));
    }
    const std::vector<Value> bound = bind(c, params, input);
    check(bound.size() == c.slots.size(), "bind returns one value per slot", input, &c);
    for (std::size_t k = 0; k < bound.size(); ++k)
        check(bound[k] == Value(static_cast<std::int64_t>(c.slots[k])), "bind follows slots", input,
              &c);
}

void run(std::string_view input, const SqlSyntax& syntax, bool positional,
         CompiledSqlCache& cache) {
    std::optional<CompiledSql> compiled;
    try {
        compiled = positional ? compile_positional(input, syntax) : compile_named(input, syntax);
    } catch (const ArgumentError&) {
        return;  // allowed: ":név", "?1" in a positional statement
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        fail("compilation may only throw ArgumentError", input);
    }
    // Past compilation nothing may throw: bind gets exactly what it needs.
    try {
        const CompiledSql& c = *compiled;
        check_compiled(c, input, syntax, positional);
        const auto cached = cache.get(input, syntax, positional);
        check(cached->sql == c.sql && cached->slots == c.slots && cached->names == c.names &&
                  cached->placeholder_offsets == c.placeholder_offsets,
              "cache returns the same compilation", input, &c);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        fail("bind or cache threw after a successful compilation", input, &*compiled);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    static CompiledSqlCache cache(8);
    for (const SqlSyntax& syntax : {sqlite_syntax(), postgresql_syntax(), mysql_syntax()}) {
        run(input, syntax, false, cache);
        run(input, syntax, true, cache);
    }
    return 0;
}
