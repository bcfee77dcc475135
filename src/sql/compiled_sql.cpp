#include "asyncsql/sql/compiled_sql.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "asyncsql/error.hpp"

namespace asyncsql {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// ---------------------------------------------------------------- characters

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_non_ascii(char c) noexcept { return static_cast<unsigned char>(c) >= 0x80; }

// First and following characters of a parameter name.
bool is_name_start(char c) noexcept { return is_alpha(c) || c == '_'; }
bool is_name_char(char c) noexcept { return is_name_start(c) || is_digit(c); }

// A character that continues an SQL identifier or keyword (PostgreSQL's
// ident_cont: letters, digits, '_', '$' and every byte of a UTF-8 sequence).
bool is_ident_char(char c) noexcept { return is_name_char(c) || c == '$' || is_non_ascii(c); }

// A dollar-quote tag character (an identifier character except '$').
bool is_tag_start(char c) noexcept { return is_name_start(c) || is_non_ascii(c); }
bool is_tag_char(char c) noexcept { return is_name_char(c) || is_non_ascii(c); }

// ----------------------------------------------------------- skipped regions
// Each takes the index of the region's first character and returns the index
// just past its end, or s.size() when the region is not closed.

// '...', "..." or `...`: a doubled quote stays inside; with `backslash` a
// backslash escapes the next character.
std::size_t skip_quoted(std::string_view s, std::size_t i, char quote, bool backslash) {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
        if (backslash && s[j] == '\\') {
            ++j;
        } else if (s[j] == quote) {
            if (j + 1 < s.size() && s[j + 1] == quote) {
                ++j;
            } else {
                return j + 1;
            }
        }
    }
    return s.size();
}

std::size_t skip_past(std::string_view s, std::size_t from, char end) {
    std::size_t pos = s.find(end, from);
    return pos == npos ? s.size() : pos + 1;
}

// "-- ..." or "# ...", up to and including the newline.
std::size_t skip_line_comment(std::string_view s, std::size_t i) { return skip_past(s, i, '\n'); }

// "/* ... */", counting nested openers when `nested`.
std::size_t skip_block_comment(std::string_view s, std::size_t i, bool nested) {
    std::size_t depth = 1;
    std::size_t j = i + 2;
    while (j + 1 < s.size()) {
        if (nested && s[j] == '/' && s[j + 1] == '*') {
            ++depth;
            j += 2;
        } else if (s[j] == '*' && s[j + 1] == '/') {
            j += 2;
            if (--depth == 0) return j;
        } else {
            ++j;
        }
    }
    return s.size();
}

// Length of the "$tag$" or "$$" opening a dollar-quoted string at i, or 0.
std::size_t dollar_tag_length(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '$') return 2;
    if (j >= s.size() || !is_tag_start(s[j])) return 0;  // "$1" is a parameter
    while (j < s.size() && is_tag_char(s[j])) ++j;
    return j < s.size() && s[j] == '$' ? j - i + 1 : 0;
}

std::size_t skip_dollar_quoted(std::string_view s, std::size_t i, std::size_t tag_length) {
    std::string_view tag = s.substr(i, tag_length);
    std::size_t close = s.find(tag, i + tag_length);
    return close == npos ? s.size() : close + tag_length;
}

// ------------------------------------------------------------------ compiler

std::string excerpt(std::string_view s, std::size_t from) {
    constexpr std::size_t max_length = 24;
    std::string text(s.substr(from, max_length));
    if (s.size() - from > max_length) text += "...";
    return text;
}

class Compiler {
public:
    Compiler(std::string_view src, const SqlSyntax& syntax, bool positional)
        : src_(src), syntax_(syntax), positional_(positional) {
        out_.uses_named = !positional;
        out_.sql.reserve(src.size() + 8);
    }

    CompiledSql run() && {
        walk([this](std::size_t i) { return on_code(i); });
        copy_until(src_.size());
        if (positional_) out_.positional_count = out_.slots.size();
        return std::move(out_);
    }

    // The highest N of the $N already in the text; rewrites nothing.
    std::size_t highest_dollar_placeholder() && {
        std::size_t highest = 0;
        walk([&](std::size_t i) {
            if (src_[i] != '$' || preceded_by_ident(i)) return i + 1;
            std::size_t number = 0;
            const auto [end, error] = std::from_chars(src_.data() + i + 1, src_.data() + src_.size(), number);
            if (error == std::errc::result_out_of_range) number = std::numeric_limits<std::size_t>::max();
            highest = std::max(highest, number);
            return std::max<std::size_t>(static_cast<std::size_t>(end - src_.data()), i + 1);
        });
        return highest;
    }

private:
    // Runs on_code(i) on each character outside literals, quoted identifiers
    // and comments; on_code returns the index to continue from.
    template <class OnCode>
    void walk(OnCode on_code) {
        std::size_t i = 0;
        while (i < src_.size()) {
            const std::size_t end = skip_region(i);
            if (end != i) {
                region_end_ = end;
                i = end;
            } else {
                i = on_code(i);
            }
        }
    }

    // Where the literal, quoted identifier or comment starting at i ends, or
    // i when none starts there.
    std::size_t skip_region(std::size_t i) const {
        const char c = src_[i];
        const char next = i + 1 < src_.size() ? src_[i + 1] : '\0';
        switch (c) {
        case '\'':
            return skip_quoted(src_, i, '\'', syntax_.backslash_escapes_in_strings);
        case '"':
            return skip_quoted(src_, i, '"', syntax_.backslash_escapes_in_strings);
        case '`':
            return syntax_.backtick_identifiers ? skip_quoted(src_, i, '`', false) : i;
        case '[':
            return syntax_.bracket_identifiers ? skip_past(src_, i + 1, ']') : i;
        case '-':
            return next == '-' && dash_comment_starts(i) ? skip_line_comment(src_, i) : i;
        case '#':
            return syntax_.hash_comments ? skip_line_comment(src_, i) : i;
        case '/':
            return next == '*' ? skip_block_comment(src_, i, syntax_.nested_block_comments) : i;
        case '$':
            if (syntax_.dollar_quoted_strings && !preceded_by_ident(i)) {
                std::size_t tag = dollar_tag_length(src_, i);
                if (tag != 0) return skip_dollar_quoted(src_, i, tag);
            }
            return i;
        case 'e':
        case 'E':
            return syntax_.escape_string_prefix && next == '\'' && !preceded_by_ident(i)
                       ? skip_quoted(src_, i + 1, '\'', true)
                       : i;
        default:
            return i;
        }
    }

    bool dash_comment_starts(std::size_t i) const {
        if (!syntax_.dash_comment_needs_space || i + 2 >= src_.size()) return true;
        return static_cast<unsigned char>(src_[i + 2]) <= ' ';
    }

    // Whether the character before i continues an identifier. The end of a
    // skipped region is a token boundary whatever its last character is
    // ($$...$$ ends in '$').
    bool preceded_by_ident(std::size_t i) const {
        return i > 0 && i != region_end_ && is_ident_char(src_[i - 1]);
    }

    // Handles the code character at i; returns the index to continue from.
    std::size_t on_code(std::size_t i) {
        const char c = src_[i];
        if (c == '\\' && i + 1 < src_.size() && (src_[i + 1] == ':' || src_[i + 1] == '?')) {
            copy_until(i);
            copied_ = i + 1;  // drop the backslash, keep the character
            return i + 2;
        }
        if (c == ':' && !positional_) return on_colon(i);
        if (c == '?' && positional_) return on_question_mark(i);
        return i + 1;
    }

    std::size_t on_colon(std::size_t i) {
        std::size_t j = i + 1;
        if (j < src_.size() && src_[j] == ':') {  // ::cast, and any longer run of colons
            while (j < src_.size() && src_[j] == ':') ++j;
            return j;
        }
        if (j >= src_.size() || !is_name_start(src_[j])) return j;  // ':=', ':1', lone ':'
        if (preceded_by_ident(i) || (i > 0 && src_[i - 1] == ':')) return j;  // arr[lo:hi]
        while (j < src_.size() && is_name_char(src_[j])) ++j;
        if (j < src_.size() && is_non_ascii(src_[j]))
            throw ArgumentError("parameter name in '" + excerpt(src_, i) +
                                    "' runs into a non-ASCII character; parameter names are "
                                    "ASCII letters, digits and '_' in: " + std::string(src_),
                                ErrorKind::invalid_argument);
        copy_until(i);
        emit_named(src_.substr(i + 1, j - i - 1));
        copied_ = j;
        return j;
    }

    std::size_t on_question_mark(std::size_t i) {
        if (i + 1 < src_.size() && is_digit(src_[i + 1]))
            throw ArgumentError("numbered placeholder '" + excerpt(src_, i) +
                                    "' in a positional statement: write plain '?' "
                                    "(values bind in order) in: " + std::string(src_),
                                ErrorKind::invalid_argument);
        copy_until(i);
        const std::size_t index = out_.slots.size();
        out_.slots.push_back(index);
        emit_placeholder(index + 1);
        copied_ = i + 1;
        return i + 1;
    }

    void emit_named(std::string_view name) {
        auto [it, inserted] = name_index_.try_emplace(name, out_.names.size());
        const std::size_t index = it->second;
        if (inserted) out_.names.emplace_back(name);
        if (inserted || syntax_.placeholder == PlaceholderStyle::qmark)
            out_.slots.push_back(index);
        emit_placeholder(index + 1);
    }

    // Writes the placeholder for the 1-based `number` (ignored for qmark).
    void emit_placeholder(std::size_t number) {
        out_.placeholder_offsets.push_back(out_.sql.size());
        switch (syntax_.placeholder) {
        case PlaceholderStyle::qmark:
            out_.sql += '?';
            return;
        case PlaceholderStyle::numbered_qmark:
            out_.sql += '?';
            break;
        case PlaceholderStyle::dollar:
            out_.sql += '$';
            break;
        }
        char digits[24];
        auto result = std::to_chars(digits, digits + sizeof digits, number);
        out_.sql.append(digits, result.ptr);
    }

    void copy_until(std::size_t i) {
        out_.sql.append(src_.substr(copied_, i - copied_));
        copied_ = i;
    }

    std::string_view src_;
    const SqlSyntax& syntax_;
    bool positional_;
    CompiledSql out_;
    std::size_t copied_ = 0;       // src_[0, copied_) has been written to out_.sql
    std::size_t region_end_ = npos;  // end of the last skipped region
    std::unordered_map<std::string_view, std::size_t> name_index_;  // views into src_
};

// ---------------------------------------------------------------------- bind

[[noreturn]] void throw_bind_error(std::string message) {
    throw ArgumentError(std::move(message), ErrorKind::invalid_argument);
}

std::string join_names(const std::vector<std::string>& names) {
    if (names.empty()) return "no named parameters";
    std::string text;
    for (const std::string& name : names) {
        if (!text.empty()) text += ", ";
        text += name;
    }
    return text;
}

// Finds values by name: linear for the usual few, hashed for many.
class NamedLookup {
public:
    explicit NamedLookup(const Params& params) : params_(params) {
        if (params.size() > 16) {
            map_.reserve(params.size());
            for (const NamedParam& p : params.named()) map_.emplace(p.name, &p.value);
        }
    }
    const Value* find(std::string_view name) const {
        if (map_.empty()) return params_.find(name);
        auto it = map_.find(name);
        return it == map_.end() ? nullptr : it->second;
    }

private:
    const Params& params_;
    std::unordered_map<std::string_view, const Value*> map_;
};

std::vector<Value> bind_named(const CompiledSql& compiled, const Params& params,
                              std::string_view sql) {
    if (params.is_positional() && !params.empty())
        throw_bind_error(std::to_string(params.size()) +
                         " positional parameter(s) given to a statement that uses named "
                         "parameters (" + join_names(compiled.names) +
                         "); pass {{\"name\", value}, ...} in: " + std::string(sql));
    NamedLookup lookup(params);
    std::vector<const Value*> values;
    values.reserve(compiled.names.size());
    for (const std::string& name : compiled.names) {
        const Value* value = lookup.find(name);
        if (value == nullptr)
            throw_bind_error("missing value for parameter '" + name + "' in: " + std::string(sql));
        values.push_back(value);
    }
    if (params.size() > compiled.names.size()) {
        // Every statement name was found and Params names are distinct, so
        // at least one given name is not in the statement.
        for (const NamedParam& p : params.named()) {
            if (std::find(compiled.names.begin(), compiled.names.end(), p.name) ==
                compiled.names.end())
                throw_bind_error("unexpected parameter '" + p.name + "' (the statement uses: " +
                                 join_names(compiled.names) + ") in: " + std::string(sql));
        }
    }
    std::vector<Value> out;
    out.reserve(compiled.slots.size());
    for (std::size_t slot : compiled.slots) out.push_back(*values[slot]);
    return out;
}

std::vector<Value> bind_positional(const CompiledSql& compiled, const Params& params,
                                   std::string_view sql) {
    if (params.is_named() && !params.empty())
        throw_bind_error("named parameter '" + params.named().front().name +
                         "' given to a statement that uses positional '?' placeholders in: " +
                         std::string(sql));
    const std::vector<Value>& given = params.positional_values();
    if (given.size() != compiled.positional_count)
        throw_bind_error("expected " + std::to_string(compiled.positional_count) +
                         " positional parameter(s), " + std::to_string(given.size()) +
                         " given in: " + std::string(sql));
    std::vector<Value> out;
    out.reserve(compiled.slots.size());
    for (std::size_t slot : compiled.slots) out.push_back(given[slot]);
    return out;
}

std::size_t syntax_bits(const SqlSyntax& s) noexcept {
    std::size_t bits = static_cast<std::size_t>(s.placeholder);
    for (bool flag : {s.backslash_escapes_in_strings, s.backtick_identifiers,
                      s.dollar_quoted_strings, s.hash_comments, s.escape_string_prefix,
                      s.nested_block_comments, s.bracket_identifiers,
                      s.dash_comment_needs_space})
        bits = (bits << 1) | static_cast<std::size_t>(flag);
    return bits;
}

CompiledSql compile(std::string_view sql, const SqlSyntax& syntax, bool positional) {
    return positional ? compile_positional(sql, syntax) : compile_named(sql, syntax);
}

}  // namespace

CompiledSql compile_named(std::string_view sql, const SqlSyntax& syntax) {
    return Compiler(sql, syntax, false).run();
}

CompiledSql compile_positional(std::string_view sql, const SqlSyntax& syntax) {
    return Compiler(sql, syntax, true).run();
}

std::size_t highest_dollar_placeholder(std::string_view sql, const SqlSyntax& syntax) {
    return Compiler(sql, syntax, true).highest_dollar_placeholder();
}

std::vector<Value> detail::BindFn::operator()(const CompiledSql& compiled, const Params& params,
                                              std::string_view sql_for_errors) const {
    return compiled.uses_named ? bind_named(compiled, params, sql_for_errors)
                               : bind_positional(compiled, params, sql_for_errors);
}

// ------------------------------------------------------------------- cache

std::size_t CompiledSqlCache::KeyHash::operator()(const Key& key) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(key.sql);
    std::size_t extra = (syntax_bits(key.syntax) << 1) | static_cast<std::size_t>(key.positional);
    return h ^ (extra + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

CompiledSqlCache::CompiledSqlCache(std::size_t capacity) : capacity_(capacity) {
    index_.reserve(std::min<std::size_t>(capacity, 1024));
}

std::shared_ptr<const CompiledSql> CompiledSqlCache::get(std::string_view sql,
                                                         const SqlSyntax& syntax,
                                                         bool positional) {
    if (capacity_ == 0) {
        ++misses_;
        return std::make_shared<const CompiledSql>(compile(sql, syntax, positional));
    }
    if (auto it = index_.find(Key{sql, syntax, positional}); it != index_.end()) {
        ++hits_;
        lru_.splice(lru_.begin(), lru_, it->second);
        return it->second->compiled;
    }
    ++misses_;
    auto compiled = std::make_shared<const CompiledSql>(compile(sql, syntax, positional));
    lru_.push_front(Entry{std::string(sql), syntax, positional, compiled});
    try {
        index_.emplace(Key{lru_.front().sql, syntax, positional}, lru_.begin());
    } catch (...) {
        lru_.pop_front();
        throw;
    }
    if (lru_.size() > capacity_) {
        const Entry& oldest = lru_.back();
        index_.erase(Key{oldest.sql, oldest.syntax, oldest.positional});
        lru_.pop_back();
    }
    return compiled;
}

bool CompiledSqlCache::contains(std::string_view sql, const SqlSyntax& syntax,
                                bool positional) const {
    return index_.find(Key{sql, syntax, positional}) != index_.end();
}

void CompiledSqlCache::clear() noexcept {
    index_.clear();
    lru_.clear();
}

// -------------------------------------------------------------- TextClause

struct TextClause::State {
    struct Entry {
        SqlSyntax syntax;
        bool positional = false;
        std::shared_ptr<const CompiledSql> compiled;
    };

    explicit State(std::string text) : sql(std::move(text)) {}

    const std::string sql;
    std::mutex mutex;
    std::vector<Entry> entries;  // append-only: references handed out stay valid
};

TextClause::TextClause(std::string sql) : state_(std::make_shared<State>(std::move(sql))) {}

const std::string& TextClause::sql() const noexcept { return state_->sql; }

const CompiledSql& TextClause::compiled(const SqlSyntax& syntax, bool positional) const {
    return *shared_compiled(syntax, positional);
}

std::shared_ptr<const CompiledSql> TextClause::shared_compiled(const SqlSyntax& syntax,
                                                               bool positional) const {
    std::lock_guard lock(state_->mutex);
    for (const State::Entry& entry : state_->entries)
        if (entry.positional == positional && entry.syntax == syntax) return entry.compiled;
    auto compiled = std::make_shared<const CompiledSql>(compile(state_->sql, syntax, positional));
    state_->entries.push_back(State::Entry{syntax, positional, compiled});
    return compiled;
}

TextClause text(std::string sql) { return TextClause(std::move(sql)); }

}  // namespace asyncsql
