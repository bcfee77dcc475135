#pragma once
// Url: a database URL in SQLAlchemy's form,
//
//   dialect[+driver]://[user[:password]@][host][:port][/database][?k=v&k2=v2]
//
// plus the databasez-style JSON configuration object. Every malformed input
// throws ArgumentError naming the part that is wrong; no error message and no
// to_string() ever contains the password.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncsql {

struct Url {
    // Default member initializers keep designated initialisation warning-free.
    std::string dialect{};   // "sqlite", "postgresql", "mysql" or "mariadb"
    std::string driver{};    // "" = the dialect's default driver
    std::string username{};  // decoded
    std::string password{};  // decoded; "" = none
    std::string host{};      // IPv6 addresses without their brackets
    std::optional<std::uint16_t> port{};
    std::string database{};  // decoded; for SQLite the file path, "" or ":memory:"
    std::vector<std::pair<std::string, std::string>> query{};  // decoded, in order

    // Parses `text`; throws ArgumentError. Surrounding whitespace is ignored.
    // user, password, database and query keys/values are percent-decoded
    // ('+' stays '+'); the scheme is case-insensitive and `postgres` becomes
    // `postgresql`.
    static Url parse(std::string_view text);

    // Builds a Url from the JSON configuration object
    //   {"dialect": ..., "driver": ..., "host": ..., "port": ..., "user" | "username": ...,
    //    "password": ..., "database": ..., "options": {...}}
    // or {"url": "...", "options": {...}}; throws ArgumentError naming the field.
    static Url from_json(std::string_view json);

    // The URL re-encoded, the password shown as "***" (also the value of a
    // query option named "password").
    std::string to_string() const;

    // The URL re-encoded with its password: parse(to_string_with_password()) == *this.
    std::string to_string_with_password() const;

    // The last value of query option `key`, if present.
    std::optional<std::string> option(std::string_view key) const;

    // An in-memory SQLite database: `sqlite://` or `sqlite:///:memory:`.
    bool is_memory_sqlite() const;

    friend bool operator==(const Url&, const Url&) = default;
};

}  // namespace asyncsql
