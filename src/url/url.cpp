#include "asyncsql/url/url.hpp"

#include "asyncsql/error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <system_error>

// Security rule for every message below: nothing from the authority
// (user-info, host, port) or from the query is ever echoed, because a password
// that was not percent-encoded can end up in any of them.

namespace asyncsql {

namespace {

// ---------------------------------------------------------------- failures

[[noreturn]] void fail_url(std::string_view detail) {
    throw ArgumentError("invalid database URL: " + std::string(detail));
}

[[noreturn]] void fail_url_part(std::string_view part, const std::string& detail) {
    fail_url(std::string(part) + ": " + detail);
}

[[noreturn]] void fail_config(std::string_view field, std::string_view detail) {
    throw ArgumentError("invalid database config: field '" + std::string(field) + "': " +
                        std::string(detail));
}

// ------------------------------------------------------- character classes

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}
// RFC 3986 "unreserved": never needs encoding anywhere.
bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_lower);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_lower(x) == to_lower(y);
           });
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string_view sv(boost::json::string_view s) { return {s.data(), s.size()}; }

// --------------------------------------------------------- percent coding

// Decodes %XX escapes; '+' stays '+'. `part` names the component in errors.
std::string percent_decode(std::string_view text, std::string_view part) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) {
            fail_url("invalid percent-encoding in " + std::string(part) +
                     " ('%' must be followed by two hex digits)");
        }
        out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

// Appends `text`, escaping every byte that is neither unreserved nor in `keep`.
void percent_encode_to(std::string& out, std::string_view text, std::string_view keep = {}) {
    static constexpr char digits[] = "0123456789ABCDEF";
    for (char c : text) {
        if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
            out += c;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += '%';
        out += digits[u >> 4];
        out += digits[u & 0x0f];
    }
}

// ------------------------------------------------------ component checks

constexpr std::array<std::string_view, 4> kDialects{"sqlite", "postgresql", "mysql", "mariadb"};

// The canonical dialect name for `name` (case-insensitive), or nullopt.
std::optional<std::string> canonical_dialect(std::string_view name) {
    std::string lower = lowered(name);
    if (lower == "postgres") return std::string("postgresql");
    if (std::find(kDialects.begin(), kDialects.end(), lower) != kDialects.end()) return lower;
    return std::nullopt;
}

bool is_name_char(char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }

bool is_valid_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

bool is_valid_reg_host(std::string_view host) {
    return std::all_of(host.begin(), host.end(), is_name_char);
}

bool is_valid_ipv6(std::string_view host) {
    return !host.empty() && host.find(':') != std::string_view::npos &&
           std::all_of(host.begin(), host.end(),
                       [](char c) { return is_hex(c) || c == ':' || c == '.'; });
}

// Digits only, 1..65535.
std::optional<std::uint16_t> parse_port_text(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint32_t value = 0;
    for (char c : text) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

struct Scheme {
    std::string dialect;
    std::string driver;
};

// "dialect[+driver]"; `fail` reports (part, detail) and does not return.
template <typename Fail>
Scheme parse_scheme(std::string_view text, Fail fail) {
    const auto plus = text.find('+');
    const std::string_view dialect_text = text.substr(0, plus);
    if (!is_valid_name(dialect_text)) {
        fail("scheme", "expected '<dialect>[+<driver>]://' with a dialect of letters, digits and '_'");
    }
    auto dialect = canonical_dialect(dialect_text);
    if (!dialect) {
        fail("dialect", "unknown dialect '" + std::string(dialect_text) +
                            "' (expected sqlite, postgresql, mysql or mariadb)");
    }
    Scheme scheme{std::move(*dialect), {}};
    if (plus == std::string_view::npos) return scheme;
    const std::string_view driver_text = text.substr(plus + 1);
    if (!is_valid_name(driver_text)) {
        fail("driver", "the driver after '+' must be a non-empty name of letters, digits and '_'");
    }
    scheme.driver = lowered(driver_text);
    return scheme;
}

// ------------------------------------------------------------ URL parsing

void check_characters(std::string_view text) {
    if (std::any_of(text.begin(), text.end(), is_control)) {
        fail_url("invalid character: control characters must be percent-encoded");
    }
    if (text.find('#') != std::string_view::npos) {
        fail_url("fragment: a raw '#' is not allowed; percent-encode it as %23");
    }
}

void parse_port_into(std::string_view text, Url& url) {
    auto port = parse_port_text(text);
    if (!port) {
        fail_url("port must be a number from 1 to 65535 (percent-encode '/', '?' and '#' in a "
                 "password)");
    }
    url.port = port;
}

void parse_host_port(std::string_view text, Url& url) {
    std::string_view port_text;
    bool has_port = false;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) fail_url("host: missing ']' after the IPv6 address");
        const std::string_view address = text.substr(1, close - 1);
        if (!is_valid_ipv6(address)) fail_url("host: invalid IPv6 address in brackets");
        url.host = std::string(address);
        const std::string_view after = text.substr(close + 1);
        if (!after.empty() && after.front() != ':') {
            fail_url("host: unexpected text after the IPv6 address");
        }
        has_port = !after.empty();
        if (has_port) port_text = after.substr(1);
    } else {
        const auto colon = text.find(':');
        const std::string_view host = text.substr(0, colon);
        if (!is_valid_reg_host(host)) {
            fail_url("host may contain only letters, digits, '-', '.' and '_' (IPv6 addresses go "
                     "in brackets)");
        }
        url.host = std::string(host);
        has_port = colon != std::string_view::npos;
        if (has_port) port_text = text.substr(colon + 1);
    }
    if (has_port) parse_port_into(port_text, url);
}

// user-info is split from the host at the LAST '@', user from password at the first ':'.
void parse_authority(std::string_view authority, Url& url) {
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        const auto colon = userinfo.find(':');
        url.username = percent_decode(userinfo.substr(0, colon), "username");
        if (colon != std::string_view::npos) {
            url.password = percent_decode(userinfo.substr(colon + 1), "password");
        }
        authority.remove_prefix(at + 1);
    }
    parse_host_port(authority, url);
}

void parse_query(std::string_view text, Url& url) {
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view item = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        std::string key = percent_decode(item.substr(0, eq), "query");
        if (key.empty()) fail_url("query: an option has an empty name");
        std::string value =
            eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1), "query");
        url.query.emplace_back(std::move(key), std::move(value));
    }
}

// ------------------------------------------------------------ URL writing

std::string format_url(const Url& url, bool with_password) {
    std::string out = url.dialect;
    if (!url.driver.empty()) out += '+' + url.driver;
    out += "://";
    if (!url.username.empty() || !url.password.empty()) {
        percent_encode_to(out, url.username);
        if (!url.password.empty()) {
            out += ':';
            if (with_password) {
                percent_encode_to(out, url.password);
            } else {
                out += "***";
            }
        }
        out += '@';
    }
    if (url.host.find(':') != std::string::npos) {
        out += '[' + url.host + ']';
    } else {
        out += url.host;
    }
    if (url.port) out += ':' + std::to_string(*url.port);
    if (!url.database.empty()) {
        out += '/';
        percent_encode_to(out, url.database, "/:@");
    }
    char separator = '?';
    for (const auto& [key, value] : url.query) {
        out += separator;
        separator = '&';
        percent_encode_to(out, key, "/:,");
        out += '=';
        if (!with_password && iequals(key, "password")) {
            out += "***";
        } else {
            percent_encode_to(out, value, "/:,");
        }
    }
    return out;
}

// ------------------------------------------------------------ JSON config

std::string_view config_string(const boost::json::value& value, std::string_view field) {
    if (!value.is_string()) fail_config(field, "expected a string");
    return sv(value.get_string());
}

std::uint16_t config_port(const boost::json::value& value) {
    std::optional<std::uint16_t> port;
    if (value.is_int64() && value.get_int64() >= 1 && value.get_int64() <= 65535) {
        port = static_cast<std::uint16_t>(value.get_int64());
    } else if (value.is_uint64() && value.get_uint64() >= 1 && value.get_uint64() <= 65535) {
        port = static_cast<std::uint16_t>(value.get_uint64());
    } else if (value.is_string()) {
        port = parse_port_text(sv(value.get_string()));
    }
    if (!port) fail_config("port", "expected an integer from 1 to 65535");
    return *port;
}

std::string config_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        if (!is_valid_ipv6(host)) fail_config("host", "invalid IPv6 address");
    } else if (host.find(':') != std::string_view::npos) {
        if (!is_valid_ipv6(host)) fail_config("host", "invalid IPv6 address");
    } else if (!is_valid_reg_host(host)) {
        fail_config("host", "may contain only letters, digits, '-', '.' and '_'");
    }
    return std::string(host);
}

std::string format_double(double number) {
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
    return std::string(buffer.data(), result.ptr);
}

std::string option_text(const boost::json::value& value, const std::string& field) {
    switch (value.kind()) {
    case boost::json::kind::string: return std::string(sv(value.get_string()));
    case boost::json::kind::bool_: return value.get_bool() ? "true" : "false";
    case boost::json::kind::int64: return std::to_string(value.get_int64());
    case boost::json::kind::uint64: return std::to_string(value.get_uint64());
    case boost::json::kind::double_: return format_double(value.get_double());
    default: fail_config(field, "expected a string, number or boolean");
    }
}

void add_options(const boost::json::value& value, Url& url) {
    if (value.is_null()) return;
    if (!value.is_object()) fail_config("options", "expected an object");
    for (const auto& item : value.get_object()) {
        const std::string key(sv(item.key()));
        if (key.empty()) fail_config("options", "an option has an empty name");
        url.query.emplace_back(key, option_text(item.value(), "options." + key));
    }
}

// The fields of the config object, null meaning absent.
struct ConfigFields {
    const boost::json::value* url = nullptr;
    const boost::json::value* dialect = nullptr;
    const boost::json::value* driver = nullptr;
    const boost::json::value* host = nullptr;
    const boost::json::value* port = nullptr;
    const boost::json::value* user = nullptr;
    const boost::json::value* username = nullptr;
    const boost::json::value* password = nullptr;
    const boost::json::value* database = nullptr;
    const boost::json::value* options = nullptr;
};

const boost::json::value** field_slot(ConfigFields& fields, std::string_view name) {
    if (name == "url") return &fields.url;
    if (name == "dialect") return &fields.dialect;
    if (name == "driver") return &fields.driver;
    if (name == "host") return &fields.host;
    if (name == "port") return &fields.port;
    if (name == "user") return &fields.user;
    if (name == "username") return &fields.username;
    if (name == "password") return &fields.password;
    if (name == "database") return &fields.database;
    if (name == "options") return &fields.options;
    return nullptr;
}

ConfigFields collect_fields(const boost::json::object& object) {
    ConfigFields fields;
    for (const auto& item : object) {
        const std::string_view name = sv(item.key());
        const boost::json::value** slot = field_slot(fields, name);
        if (slot == nullptr) fail_config(name, "unknown field");
        if (!item.value().is_null()) *slot = &item.value();
    }
    return fields;
}

Url url_from_url_field(const ConfigFields& fields) {
    const std::pair<const boost::json::value*, std::string_view> others[] = {
        {fields.dialect, "dialect"}, {fields.driver, "driver"},     {fields.host, "host"},
        {fields.port, "port"},       {fields.user, "user"},         {fields.username, "username"},
        {fields.password, "password"}, {fields.database, "database"}};
    for (const auto& [value, name] : others) {
        if (value != nullptr) fail_config(name, "cannot be combined with 'url'");
    }
    const std::string_view text = config_string(*fields.url, "url");
    try {
        return Url::parse(text);
    } catch (const ArgumentError& e) {
        fail_config("url", e.message());
    }
}

void check_sqlite_fields(const ConfigFields& fields) {
    const std::pair<const boost::json::value*, std::string_view> remote[] = {
        {fields.host, "host"}, {fields.port, "port"}, {fields.user, "user"},
        {fields.username, "username"}, {fields.password, "password"}};
    for (const auto& [value, name] : remote) {
        if (value != nullptr) fail_config(name, "sqlite takes no host, port, user or password");
    }
}

Url url_from_fields(const ConfigFields& fields) {
    if (fields.dialect == nullptr) fail_config("dialect", "required (or give 'url')");
    if (fields.user != nullptr && fields.username != nullptr) {
        fail_config("username", "give either 'user' or 'username', not both");
    }
    Scheme scheme = parse_scheme(config_string(*fields.dialect, "dialect"),
                                 [](std::string_view, const std::string& detail) {
                                     fail_config("dialect", detail);
                                 });
    Url url;
    url.dialect = std::move(scheme.dialect);
    url.driver = std::move(scheme.driver);
    if (fields.driver != nullptr) {
        const std::string_view driver = config_string(*fields.driver, "driver");
        if (!url.driver.empty()) fail_config("driver", "also given in 'dialect'");
        if (!is_valid_name(driver)) fail_config("driver", "expected letters, digits and '_'");
        url.driver = lowered(driver);
    }
    if (url.dialect == "sqlite") check_sqlite_fields(fields);
    if (fields.host != nullptr) url.host = config_host(config_string(*fields.host, "host"));
    if (fields.port != nullptr) url.port = config_port(*fields.port);
    if (const auto* user = fields.user != nullptr ? fields.user : fields.username) {
        url.username = std::string(config_string(*user, fields.user != nullptr ? "user" : "username"));
    }
    if (fields.password != nullptr) {
        url.password = std::string(config_string(*fields.password, "password"));
    }
    if (fields.database != nullptr) {
        url.database = std::string(config_string(*fields.database, "database"));
    }
    return url;
}

boost::json::value parse_json(std::string_view json) {
    boost::json::error_code ec;
    boost::json::value value = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec);
    // The message describes the syntax problem only, never the input text.
    if (ec) throw ArgumentError("invalid database config: malformed JSON (" + ec.message() + ")");
    return value;
}

}  // namespace

// ------------------------------------------------------------------ Url

Url Url::parse(std::string_view text) {
    text = trimmed(text);
    if (text.empty()) fail_url("scheme: the URL is empty");
    check_characters(text);

    const auto separator = text.find("://");
    if (separator == std::string_view::npos) {
        fail_url("scheme: expected '<dialect>[+<driver>]://' at the start");
    }
    Scheme scheme = parse_scheme(text.substr(0, separator), fail_url_part);
    Url url;
    url.dialect = std::move(scheme.dialect);
    url.driver = std::move(scheme.driver);

    std::string_view rest = text.substr(separator + 3);
    const auto authority_end = std::min(rest.find_first_of("/?"), rest.size());
    const std::string_view authority = rest.substr(0, authority_end);
    rest.remove_prefix(authority_end);

    if (url.dialect == "sqlite") {
        if (!authority.empty()) {
            fail_url("host: sqlite URLs take no host, user or port; write sqlite:///relative.db, "
                     "sqlite:////absolute/path.db or sqlite:///:memory:");
        }
    } else {
        parse_authority(authority, url);
    }

    const auto query_start = std::min(rest.find('?'), rest.size());
    const std::string_view path = rest.substr(0, query_start);
    if (!path.empty()) url.database = percent_decode(path.substr(1), "database");
    if (query_start < rest.size()) parse_query(rest.substr(query_start + 1), url);
    return url;
}

Url Url::from_json(std::string_view json) {
    const boost::json::value root = parse_json(json);
    if (!root.is_object()) {
        throw ArgumentError("invalid database config: expected a JSON object");
    }
    const ConfigFields fields = collect_fields(root.get_object());
    Url url = fields.url != nullptr ? url_from_url_field(fields) : url_from_fields(fields);
    if (fields.options != nullptr) add_options(*fields.options, url);
    return url;
}

std::string Url::to_string() const { return format_url(*this, false); }

std::string Url::to_string_with_password() const { return format_url(*this, true); }

std::optional<std::string> Url::option(std::string_view key) const {
    const auto found = std::find_if(query.rbegin(), query.rend(),
                                    [key](const auto& item) { return item.first == key; });
    if (found == query.rend()) return std::nullopt;
    return found->second;
}

bool Url::is_memory_sqlite() const {
    return dialect == "sqlite" && (database.empty() || database == ":memory:");
}

}  // namespace asyncsql
