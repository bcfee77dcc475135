#pragma once
// SqlSyntax: the few lexical facts about a dialect that the parameter
// rewriter (compile_named / compile_positional) needs in order to find
// placeholders without looking inside literals, quoted identifiers or
// comments, and the placeholder form the driver expects.

#include <string_view>

namespace asyncsql {

enum class PlaceholderStyle {
    qmark,           // ?    one per occurrence, bound in order (MySQL)
    numbered_qmark,  // ?1   (SQLite)
    dollar,          // $1   (PostgreSQL)
};

constexpr std::string_view to_string(PlaceholderStyle style) noexcept {
    switch (style) {
    case PlaceholderStyle::qmark: return "qmark";
    case PlaceholderStyle::numbered_qmark: return "numbered_qmark";
    case PlaceholderStyle::dollar: return "dollar";
    }
    return "unknown";
}

// The first five fields are the dialect switches everyone knows; the ones
// after them default to false so that `SqlSyntax{style, a, b, c, d}` keeps
// working and only the ready-made dialects below need to set them.
struct SqlSyntax {
    PlaceholderStyle placeholder = PlaceholderStyle::qmark;
    // '\'' and "\"" honour backslash escapes ('It\'s'). MySQL's default
    // sql_mode; when set it applies to "..." too, which MySQL reads as a
    // string literal unless ANSI_QUOTES is on.
    bool backslash_escapes_in_strings = false;
    // `identifier` with `` doubling (SQLite, MySQL).
    bool backtick_identifiers = false;
    // $$ ... $$ and $tag$ ... $tag$ (PostgreSQL).
    bool dollar_quoted_strings = false;
    // # to end of line (MySQL).
    bool hash_comments = false;

    // E'...' / e'...' strings honour backslash escapes even though plain
    // '...' strings do not (PostgreSQL with standard_conforming_strings=on).
    bool escape_string_prefix = false;
    // /* a /* b */ c */ is one comment (PostgreSQL); elsewhere the first */ ends it.
    bool nested_block_comments = false;
    // [identifier] (SQLite, after MS Access / SQL Server).
    bool bracket_identifiers = false;
    // "--" starts a comment only when followed by whitespace, a control
    // character or the end of the text (MySQL: 5--1 is 5 - -1).
    bool dash_comment_needs_space = false;

    friend constexpr bool operator==(const SqlSyntax&, const SqlSyntax&) = default;
};

constexpr SqlSyntax sqlite_syntax() noexcept {
    SqlSyntax s;
    s.placeholder = PlaceholderStyle::numbered_qmark;
    s.backtick_identifiers = true;
    s.bracket_identifiers = true;
    return s;
}

constexpr SqlSyntax postgresql_syntax() noexcept {
    SqlSyntax s;
    s.placeholder = PlaceholderStyle::dollar;
    s.dollar_quoted_strings = true;
    s.escape_string_prefix = true;
    s.nested_block_comments = true;
    return s;
}

constexpr SqlSyntax mysql_syntax() noexcept {
    SqlSyntax s;
    s.placeholder = PlaceholderStyle::qmark;
    s.backslash_escapes_in_strings = true;
    s.backtick_identifiers = true;
    s.hash_comments = true;
    s.dash_comment_needs_space = true;
    return s;
}

}  // namespace asyncsql
