#include "asyncsql/error.hpp"
#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using asyncsql::apply_option;
using asyncsql::ArgumentError;
using asyncsql::EngineOptions;
using asyncsql::Url;
using std::chrono::milliseconds;
using Query = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kSecret = "s3cr3t";

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// The message of the ArgumentError `f` throws; a test failure if it throws none.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ArgumentError& e) {
        EXPECT_EQ(std::string(e.what()), e.message());
        return e.message();
    }
    ADD_FAILURE() << "expected an ArgumentError";
    return {};
}

std::string url_error(std::string_view text) {
    return error_of([&] { (void)Url::parse(text); });
}

std::string json_error(std::string_view json) {
    return error_of([&] { (void)Url::from_json(json); });
}

std::string option_error(std::string_view key, std::string_view value) {
    return error_of([&] {
        EngineOptions options;
        apply_option(options, key, value);
    });
}

#define EXPECT_CONTAINS(text, part) \
    EXPECT_TRUE(contains((text), (part))) << "'" << (text) << "' lacks '" << (part) << "'"
#define EXPECT_LACKS(text, part) \
    EXPECT_FALSE(contains((text), (part))) << "'" << (text) << "' contains '" << (part) << "'"

EngineOptions options_of(std::string_view url) { return EngineOptions::from_url(Url::parse(url)); }

// ------------------------------------------------------------------ forms

TEST(UrlParse, FullPostgresqlUrl) {
    const Url url =
        Url::parse("postgresql+asyncpg://scott:tiger@db.example.com:5433/test?sslmode=require");
    EXPECT_EQ(url.dialect, "postgresql");
    EXPECT_EQ(url.driver, "asyncpg");
    EXPECT_EQ(url.username, "scott");
    EXPECT_EQ(url.password, "tiger");
    EXPECT_EQ(url.host, "db.example.com");
    ASSERT_TRUE(url.port.has_value());
    EXPECT_EQ(*url.port, 5433);
    EXPECT_EQ(url.database, "test");
    EXPECT_EQ(url.query, (Query{{"sslmode", "require"}}));
}

TEST(UrlParse, PostgresAliasIsNormalised) {
    EXPECT_EQ(Url::parse("postgres://h/db").dialect, "postgresql");
    EXPECT_EQ(Url::parse("postgres+asyncpg://h/db").driver, "asyncpg");
    EXPECT_EQ(Url::parse("postgres://h/db"), Url::parse("postgresql://h/db"));
}

TEST(UrlParse, MysqlAndMariadb) {
    const Url mysql = Url::parse("mysql+aiomysql://root@127.0.0.1:3306/app");
    EXPECT_EQ(mysql.dialect, "mysql");
    EXPECT_EQ(mysql.driver, "aiomysql");
    EXPECT_EQ(mysql.username, "root");
    EXPECT_EQ(mysql.password, "");
    EXPECT_EQ(mysql.host, "127.0.0.1");
    EXPECT_EQ(mysql.port, std::optional<std::uint16_t>(3306));
    EXPECT_EQ(mysql.database, "app");
    const Url maria = Url::parse("mariadb://u:p@maria/app");
    EXPECT_EQ(maria.dialect, "mariadb");
    EXPECT_EQ(maria.driver, "");
    EXPECT_FALSE(maria.port.has_value());
}

TEST(UrlParse, SchemeIsCaseInsensitive) {
    const Url url = Url::parse("PostgreSQL+AsyncPG://h/db");
    EXPECT_EQ(url.dialect, "postgresql");
    EXPECT_EQ(url.driver, "asyncpg");
}

TEST(UrlParse, MinimalAndPartialForms) {
    EXPECT_EQ(Url::parse("postgresql://"), (Url{.dialect = "postgresql"}));
    EXPECT_EQ(Url::parse("postgresql:///db"), (Url{.dialect = "postgresql", .database = "db"}));
    EXPECT_EQ(Url::parse("postgresql://h/"), (Url{.dialect = "postgresql", .host = "h"}));
    EXPECT_EQ(Url::parse("postgresql://h:1"),
              (Url{.dialect = "postgresql", .host = "h", .port = 1}));
    EXPECT_EQ(Url::parse("postgresql://u@/db"),
              (Url{.dialect = "postgresql", .username = "u", .database = "db"}));
    EXPECT_EQ(Url::parse("postgresql://:p@h"),
              (Url{.dialect = "postgresql", .password = "p", .host = "h"}));
    EXPECT_EQ(Url::parse("postgresql://h?a=1"),
              (Url{.dialect = "postgresql", .host = "h", .query = {{"a", "1"}}}));
    EXPECT_EQ(Url::parse("postgresql://h/a/b"),
              (Url{.dialect = "postgresql", .host = "h", .database = "a/b"}));
}

TEST(UrlParse, EmptyPasswordEqualsNoPassword) {
    EXPECT_EQ(Url::parse("postgresql://u:@h/db"), Url::parse("postgresql://u@h/db"));
}

TEST(UrlParse, SurroundingWhitespaceIsIgnored) {
    EXPECT_EQ(Url::parse("  postgresql://h/db\n"), Url::parse("postgresql://h/db"));
}

TEST(UrlParse, SqliteForms) {
    const Url memory = Url::parse("sqlite://");
    EXPECT_EQ(memory.dialect, "sqlite");
    EXPECT_EQ(memory.database, "");
    EXPECT_TRUE(memory.is_memory_sqlite());

    const Url named_memory = Url::parse("sqlite:///:memory:");
    EXPECT_EQ(named_memory.database, ":memory:");
    EXPECT_TRUE(named_memory.is_memory_sqlite());
    EXPECT_TRUE(Url::parse("sqlite:///").is_memory_sqlite());

    const Url relative = Url::parse("sqlite:///relative.db");
    EXPECT_EQ(relative.database, "relative.db");
    EXPECT_FALSE(relative.is_memory_sqlite());

    const Url absolute = Url::parse("sqlite:////abs/path.db");
    EXPECT_EQ(absolute.database, "/abs/path.db");
    EXPECT_FALSE(absolute.is_memory_sqlite());

    const Url with_driver = Url::parse("sqlite+aiosqlite:///data/app.db?timeout=5");
    EXPECT_EQ(with_driver.driver, "aiosqlite");
    EXPECT_EQ(with_driver.database, "data/app.db");
    EXPECT_EQ(with_driver.option("timeout"), std::optional<std::string>("5"));

    EXPECT_EQ(Url::parse("sqlite:///my%20file.db").database, "my file.db");
    EXPECT_TRUE(Url::parse("sqlite://?mode=ro").is_memory_sqlite());
}

TEST(UrlParse, IsMemorySqliteOnlyForSqlite) {
    EXPECT_FALSE(Url::parse("postgresql://").is_memory_sqlite());
    EXPECT_FALSE(Url::parse("postgresql:///:memory:").is_memory_sqlite());
}

TEST(UrlParse, SqliteRejectsAuthority) {
    for (const char* text : {"sqlite://localhost/x.db", "sqlite://u@/x.db", "sqlite://:5/x.db",
                             "sqlite://@/x.db", "sqlite://host"}) {
        SCOPED_TRACE(text);
        EXPECT_CONTAINS(url_error(text), "host");
    }
}

// ------------------------------------------------------------ decoding

TEST(UrlParse, PercentDecoding) {
    const Url url = Url::parse(
        "postgresql://us%40er%3Aname:p%40ss%3Aw%2Fo%3Frd%23%25x%20y@h/my%20db%2Fx"
        "?k%20ey=v%26al%3Due&plus=a+b");
    EXPECT_EQ(url.username, "us@er:name");
    EXPECT_EQ(url.password, "p@ss:w/o?rd#%x y");
    EXPECT_EQ(url.database, "my db/x");
    EXPECT_EQ(url.query, (Query{{"k ey", "v&al=ue"}, {"plus", "a+b"}}));
}

TEST(UrlParse, PercentDecodingIsCaseInsensitiveAndKeepsBytes) {
    EXPECT_EQ(Url::parse("postgresql://u:%2f%2F%00%ff@h").password,
              std::string("//\0\xff", 4));
}

TEST(UrlParse, RawAtAndColonInPasswordSplitAtLastAt) {
    const Url url = Url::parse("postgresql://user:p@ss:w@rd@host:5432/db");
    EXPECT_EQ(url.username, "user");
    EXPECT_EQ(url.password, "p@ss:w@rd");
    EXPECT_EQ(url.host, "host");
    EXPECT_EQ(url.port, std::optional<std::uint16_t>(5432));
    EXPECT_EQ(url.database, "db");
}

TEST(UrlParse, Ipv6Hosts) {
    const Url url = Url::parse("postgresql://u:p@[::1]:5432/db");
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.port, std::optional<std::uint16_t>(5432));
    EXPECT_EQ(url.database, "db");

    const Url no_port = Url::parse("mysql://[2001:db8::ff00:42:8329]/db");
    EXPECT_EQ(no_port.host, "2001:db8::ff00:42:8329");
    EXPECT_FALSE(no_port.port.has_value());

    EXPECT_EQ(Url::parse("postgresql://[::ffff:192.0.2.1]").host, "::ffff:192.0.2.1");
    EXPECT_EQ(url.to_string(), "postgresql://u:***@[::1]:5432/db");
}

TEST(UrlParse, RepeatedQueryKeysKeepAllValuesInOrder) {
    const Url url = Url::parse("postgresql://h/db?a=1&b=2&a=3&flag&&c=");
    EXPECT_EQ(url.query, (Query{{"a", "1"}, {"b", "2"}, {"a", "3"}, {"flag", ""}, {"c", ""}}));
    EXPECT_EQ(url.option("a"), std::optional<std::string>("3"));
    EXPECT_EQ(url.option("b"), std::optional<std::string>("2"));
    EXPECT_EQ(url.option("flag"), std::optional<std::string>(""));
    EXPECT_EQ(url.option("missing"), std::nullopt);
    EXPECT_EQ(url.option("A"), std::nullopt);
}

TEST(UrlParse, QueryValueMayContainEquals) {
    EXPECT_EQ(Url::parse("postgresql://h?options=-c search_path=x").option("options"),
              std::optional<std::string>("-c search_path=x"));
}

// --------------------------------------------------------------- errors

TEST(UrlErrors, Scheme) {
    for (const char* text : {"", "   ", "localhost:5432/db", "://host/db", "postgresql:/h/db",
                             "post gres://h", "postgresql!://h", "+asyncpg://h"}) {
        SCOPED_TRACE(text);
        EXPECT_CONTAINS(url_error(text), "scheme");
    }
}

TEST(UrlErrors, UnknownDialectIsNamed) {
    const std::string message = url_error("oracle://scott@h/db");
    EXPECT_CONTAINS(message, "dialect");
    EXPECT_CONTAINS(message, "oracle");
}

TEST(UrlErrors, Driver) {
    for (const char* text : {"postgresql+://h", "postgresql+a+b://h", "postgresql+a b://h",
                             "sqlite+://"}) {
        SCOPED_TRACE(text);
        EXPECT_CONTAINS(url_error(text), "driver");
    }
}

TEST(UrlErrors, Port) {
    for (const char* text :
         {"postgresql://h:0/db", "postgresql://h:65536/db", "postgresql://h:abc/db",
          "postgresql://h:/db", "postgresql://h:-1/db", "postgresql://h:+5/db",
          "postgresql://h:5432x", "postgresql://h:99999999999999999999/db",
          "postgresql://h:1:2/db", "postgresql://[::1]:/db", "postgresql://[::1]:x",
          "postgresql://h: 5432"}) {
        SCOPED_TRACE(text);
        EXPECT_CONTAINS(url_error(text), "port");
    }
    EXPECT_EQ(Url::parse("postgresql://h:65535").port, std::optional<std::uint16_t>(65535));
    EXPECT_EQ(Url::parse("postgresql://h:1").port, std::optional<std::uint16_t>(1));
    EXPECT_EQ(Url::parse("postgresql://h:00080").port, std::optional<std::uint16_t>(80));
}

TEST(UrlErrors, Host) {
    for (const char* text :
         {"postgresql://bad host/db", "postgresql://ho%41st/db", "postgresql://h*st",
          "postgresql://[::1/db", "postgresql://[::1]x/db", "postgresql://[]/db",
          "postgresql://[zz::1]/db", "postgresql://[127.0.0.1]/db", "postgresql://h]/db",
          "postgresql://u@[::1]5432"}) {
        SCOPED_TRACE(text);
        EXPECT_CONTAINS(url_error(text), "host");
    }
}

TEST(UrlErrors, PercentEncodingNamesThePart) {
    const std::pair<const char*, const char*> cases[] = {
        {"postgresql://u%zz@h/db", "username"},  {"postgresql://u:p%g1@h/db", "password"},
        {"postgresql://u:p%@h/db", "password"},   {"postgresql://h/d%4", "database"},
        {"sqlite:///x%", "database"},             {"postgresql://h/db?k%=v", "query"},
        {"postgresql://h/db?k=v%2", "query"},     {"postgresql://h/db?k=%%41", "query"},
    };
    for (const auto& [text, part] : cases) {
        SCOPED_TRACE(text);
        const std::string message = url_error(text);
        EXPECT_CONTAINS(message, "percent-encoding");
        EXPECT_CONTAINS(message, part);
    }
}

TEST(UrlErrors, QueryEmptyName) {
    EXPECT_CONTAINS(url_error("postgresql://h/db?=v"), "query");
    EXPECT_CONTAINS(url_error("postgresql://h/db?a=1&%41=2&=3"), "query");
}

TEST(UrlErrors, FragmentAndControlCharacters) {
    EXPECT_CONTAINS(url_error("postgresql://h/db#frag"), "fragment");
    EXPECT_CONTAINS(url_error("postgresql://h/d\x01" "b"), "control character");
    EXPECT_CONTAINS(url_error(std::string_view("postgresql://h/d\0b", 18)), "control character");
    EXPECT_CONTAINS(url_error("postgresql://h/db\x7f"), "control character");
}

TEST(UrlErrors, ErrorsAreArgumentErrorsAndErrors) {
    EXPECT_THROW((void)Url::parse("nope"), ArgumentError);
    EXPECT_THROW((void)Url::parse("nope"), asyncsql::Error);
}

TEST(UrlSecrecy, PasswordNeverInErrorMessages) {
    const std::string_view bad_urls[] = {
        "postgresql://u:s3cr3t@h:99999/db",
        "postgresql://u:s3cr3t@h:abc/db",
        "postgresql://u:s3cr3t@h:0",
        "postgresql://u:s3cr3t@h:/db",
        "postgresql://u:s3cr3t@bad host/db",
        "postgresql://u:s3cr3t@[::1/db",
        "postgresql://u:s3cr3t@[::1]:70000/db",
        "postgresql://u:s3cr3t%zz@h/db",
        "postgresql://u:s3cr3t/x@h/db",
        "postgresql://u:s3cr3t?x@h/db",
        "postgresql://u:s3cr3t#@h/db",
        "postgresql://u:s3cr3t\n@h/db",
        "postgresql://s3cr3t@h:x",
        "sqlite://u:s3cr3t@/x.db",
        "oracle://u:s3cr3t@h/db",
        "postgresql+bad driver://u:s3cr3t@h",
        "u:s3cr3t@h/db",
        "u:s3cr3t@h://db",
        "postgresql://h/db?password=s3cr3t&x=%zz",
        "postgresql://h/db?password=s3cr3t%",
        "postgresql://h/db?user=u&=s3cr3t",
    };
    for (const std::string_view text : bad_urls) {
        SCOPED_TRACE(text);
        const std::string message = url_error(text);
        EXPECT_FALSE(message.empty());
        EXPECT_LACKS(message, kSecret);
    }
}

// ------------------------------------------------------------ to_string

TEST(UrlToString, MasksPassword) {
    const Url url = Url::parse("postgresql+asyncpg://scott:s3cr3t@localhost:5432/test?a=1");
    EXPECT_EQ(url.to_string(), "postgresql+asyncpg://scott:***@localhost:5432/test?a=1");
    EXPECT_EQ(url.to_string_with_password(),
              "postgresql+asyncpg://scott:s3cr3t@localhost:5432/test?a=1");
    EXPECT_LACKS(url.to_string(), kSecret);
}

TEST(UrlToString, MasksPasswordQueryOption) {
    const Url url = Url::parse("postgresql://h/db?user=u&PASSWORD=s3cr3t&x=1");
    EXPECT_EQ(url.to_string(), "postgresql://h/db?user=u&PASSWORD=***&x=1");
    EXPECT_CONTAINS(url.to_string_with_password(), kSecret);
}

TEST(UrlToString, NoPasswordNoMask) {
    EXPECT_EQ(Url::parse("mysql://root@h/db").to_string(), "mysql://root@h/db");
    EXPECT_EQ(Url::parse("mysql://:pw@h").to_string(), "mysql://:***@h");
}

TEST(UrlToString, EncodesSpecialCharacters) {
    Url url{.dialect = "postgresql",
            .username = "us@er:x",
            .password = "p@ss:w/o?rd#%x y&",
            .host = "h",
            .database = "my db?#%",
            .query = {{"k y", "a+b&c=d#%"}}};
    EXPECT_EQ(url.to_string_with_password(),
              "postgresql://us%40er%3Ax:p%40ss%3Aw%2Fo%3Frd%23%25x%20y%26@h/my%20db%3F%23%25"
              "?k%20y=a%2Bb%26c%3Dd%23%25");
    EXPECT_EQ(url.to_string(),
              "postgresql://us%40er%3Ax:***@h/my%20db%3F%23%25?k%20y=a%2Bb%26c%3Dd%23%25");
    EXPECT_EQ(Url::parse(url.to_string_with_password()), url);
}

TEST(UrlToString, SqliteForms) {
    EXPECT_EQ(Url::parse("sqlite://").to_string(), "sqlite://");
    EXPECT_EQ(Url::parse("sqlite:///:memory:").to_string(), "sqlite:///:memory:");
    EXPECT_EQ(Url::parse("sqlite:///relative.db").to_string(), "sqlite:///relative.db");
    EXPECT_EQ(Url::parse("sqlite:////abs/path.db").to_string(), "sqlite:////abs/path.db");
    EXPECT_EQ(Url::parse("postgres://h:5432").to_string(), "postgresql://h:5432");
}

TEST(UrlRoundTrip, ParsedUrls) {
    for (const char* text : {
             "postgresql+asyncpg://scott:tiger@localhost:5432/test?sslmode=require",
             "postgresql://u:p%40ss%3Aw%2Fo%3Frd%23%25@h/db",
             "postgresql://user:p@ss@host/db",
             "postgresql://u:p@[::1]:5432/db?a=1&a=2",
             "postgresql://:only-password@h",
             "postgresql://u@/db",
             "postgresql://:5432",
             "postgresql://h//leading-slash",
             "postgresql://h?x",
             "mysql://root@127.0.0.1:3306/app?charset=utf8mb4&x=%00%FF",
             "mariadb:///db?k%20=%20v",
             "sqlite://",
             "sqlite:///:memory:",
             "sqlite:///relative.db",
             "sqlite:////abs/path.db",
             "sqlite:///C:/x/y.db?mode=ro&cache=shared",
             "sqlite://?a=b",
         }) {
        SCOPED_TRACE(text);
        const Url url = Url::parse(text);
        EXPECT_EQ(Url::parse(url.to_string_with_password()), url);
        // to_string() parses too, only its password differs.
        Url masked = Url::parse(url.to_string());
        if (!url.password.empty()) masked.password = url.password;
        EXPECT_EQ(masked, url);
    }
}

TEST(UrlRoundTrip, EveryByteInDecodedParts) {
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    for (const char* dialect : {"postgresql", "sqlite"}) {
        Url url{.dialect = dialect, .database = all, .query = {{all, all}, {"k", ""}}};
        if (url.dialect != "sqlite") {
            url.username = all;
            url.password = all;
            url.host = "h";
            url.port = 1;
        }
        SCOPED_TRACE(dialect);
        EXPECT_EQ(Url::parse(url.to_string_with_password()), url);
    }
}

// ---------------------------------------------------------------- JSON

TEST(UrlJson, FieldsEqualParsedUrl) {
    const Url from_json = Url::from_json(R"({
        "dialect": "postgresql", "driver": "asyncpg", "host": "localhost", "port": 5432,
        "user": "scott", "password": "p@ss:w/rd", "database": "test",
        "options": {"pool_size": 5, "echo": true, "pool_timeout": 2.5, "sslmode": "require",
                    "ratio": -3, "off": false}})");
    const Url from_url = Url::parse(
        "postgresql+asyncpg://scott:p%40ss%3Aw%2Frd@localhost:5432/test"
        "?pool_size=5&echo=true&pool_timeout=2.5&sslmode=require&ratio=-3&off=false");
    EXPECT_EQ(from_json, from_url);
}

TEST(UrlJson, UsernameAliasDialectAliasAndDriverInDialect) {
    EXPECT_EQ(Url::from_json(R"({"dialect": "postgres+asyncpg", "username": "u", "host": "h"})"),
              Url::parse("postgresql+asyncpg://u@h"));
    EXPECT_EQ(Url::from_json(R"({"dialect": "MySQL", "port": "3306", "host": "h"})"),
              Url::parse("mysql://h:3306"));
}

TEST(UrlJson, SqliteAndIpv6) {
    const Url memory = Url::from_json(R"({"dialect": "sqlite", "database": ":memory:"})");
    EXPECT_TRUE(memory.is_memory_sqlite());
    EXPECT_EQ(memory, Url::parse("sqlite:///:memory:"));
    EXPECT_EQ(Url::from_json(R"({"dialect": "sqlite", "database": "/abs/path.db"})"),
              Url::parse("sqlite:////abs/path.db"));
    EXPECT_EQ(Url::from_json(R"({"dialect": "postgresql", "host": "::1", "port": 5432})"),
              Url::parse("postgresql://[::1]:5432"));
    EXPECT_EQ(Url::from_json(R"({"dialect": "postgresql", "host": "[::1]"})"),
              Url::parse("postgresql://[::1]"));
}

TEST(UrlJson, NullFieldsAreAbsent) {
    EXPECT_EQ(Url::from_json(R"({"dialect": "postgresql", "host": "h", "password": null,
                                 "port": null, "options": null})"),
              Url::parse("postgresql://h"));
}

TEST(UrlJson, UrlFieldWithOptionsAppended) {
    EXPECT_EQ(Url::from_json(R"({"url": "postgresql://u:p@h/db?a=1", "options": {"b": 2, "a": "3"}})"),
              Url::parse("postgresql://u:p@h/db?a=1&b=2&a=3"));
    EXPECT_EQ(Url::from_json(R"({"url": "sqlite://"})"), Url::parse("sqlite://"));
}

TEST(UrlJson, OptionValueTexts) {
    const Url url = Url::from_json(
        R"({"dialect": "mysql", "options": {"t": true, "f": false, "i": 42, "n": -7, "big": 18446744073709551615, "d": 2.5, "whole": 30.0, "s": "x y"}})");
    EXPECT_EQ(url.query, (Query{{"t", "true"},
                                {"f", "false"},
                                {"i", "42"},
                                {"n", "-7"},
                                {"big", "18446744073709551615"},
                                {"d", "2.5"},
                                {"whole", "30"},
                                {"s", "x y"}}));
}

TEST(UrlJson, Errors) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "JSON"},
        {"{", "JSON"},
        {R"({"dialect": "postgresql",})", "JSON"},
        {"[]", "object"},
        {"\"postgresql://h\"", "object"},
        {R"({"dialect": "postgresql", "hots": "h"})", "hots"},
        {R"({"host": "h"})", "dialect"},
        {R"({"dialect": 5})", "dialect"},
        {R"({"dialect": "oracle"})", "dialect"},
        {R"({"dialect": "postgresql", "driver": 1})", "driver"},
        {R"({"dialect": "postgresql", "driver": "a b"})", "driver"},
        {R"({"dialect": "postgresql+asyncpg", "driver": "psycopg"})", "driver"},
        {R"({"dialect": "postgresql", "host": 1})", "host"},
        {R"({"dialect": "postgresql", "host": "bad host"})", "host"},
        {R"({"dialect": "postgresql", "host": "[zz]"})", "host"},
        {R"({"dialect": "postgresql", "port": true})", "port"},
        {R"({"dialect": "postgresql", "port": 0})", "port"},
        {R"({"dialect": "postgresql", "port": 70000})", "port"},
        {R"({"dialect": "postgresql", "port": -5})", "port"},
        {R"({"dialect": "postgresql", "port": 54.5})", "port"},
        {R"({"dialect": "postgresql", "port": "x"})", "port"},
        {R"({"dialect": "postgresql", "user": 5})", "user"},
        {R"({"dialect": "postgresql", "username": []})", "username"},
        {R"({"dialect": "postgresql", "user": "a", "username": "b"})", "username"},
        {R"({"dialect": "postgresql", "password": 1234})", "password"},
        {R"({"dialect": "postgresql", "database": {}})", "database"},
        {R"({"dialect": "postgresql", "options": []})", "options"},
        {R"({"dialect": "postgresql", "options": {"": 1}})", "options"},
        {R"({"dialect": "postgresql", "options": {"x": null}})", "options.x"},
        {R"({"dialect": "postgresql", "options": {"x": [1]}})", "options.x"},
        {R"({"dialect": "postgresql", "options": {"x": {"y": 1}}})", "options.x"},
        {R"({"dialect": "sqlite", "host": "h"})", "host"},
        {R"({"dialect": "sqlite", "port": 5})", "port"},
        {R"({"dialect": "sqlite", "user": "u"})", "user"},
        {R"({"url": 5})", "url"},
        {R"({"url": "postgresql://h:0"})", "port"},
        {R"({"url": "postgresql://h:0"})", "url"},
        {R"({"url": "postgresql://h", "host": "h"})", "host"},
        {R"({"url": "postgresql://h", "dialect": "postgresql"})", "dialect"},
    };
    for (const auto& [json, part] : cases) {
        SCOPED_TRACE(json);
        EXPECT_CONTAINS(json_error(json), part);
    }
}

TEST(UrlSecrecy, PasswordNeverInJsonErrors) {
    for (const char* json : {
             R"({"dialect": "postgresql", "password": "s3cr3t", "port": "abc"})",
             R"({"dialect": "postgresql", "password": "s3cr3t", "host": "bad host"})",
             R"({"dialect": "sqlite", "password": "s3cr3t"})",
             R"({"dialect": "postgresql", "password": "s3cr3t",)",
             R"({"password": "s3cr3t"})",
             R"({"url": "postgresql://u:s3cr3t@h:99999/db"})",
             R"({"url": "postgresql://u:s3cr3t@h/db", "password": "s3cr3t"})",
         }) {
        SCOPED_TRACE(json);
        EXPECT_LACKS(json_error(json), kSecret);
    }
}

TEST(UrlJson, ResultRoundTrips) {
    const Url url = Url::from_json(
        R"({"dialect": "postgresql", "user": "a:b@c", "password": "%/?#&=+ ", "host": "h",
            "database": "d?b", "options": {"k&": "v="}})");
    EXPECT_EQ(Url::parse(url.to_string_with_password()), url);
    EXPECT_LACKS(url.to_string(), "%25%2F");
}

// ------------------------------------------------------- engine options

TEST(EngineOptions, Defaults) {
    const EngineOptions options = options_of("postgresql://h/db");
    EXPECT_EQ(options.pool_size, 5u);
    EXPECT_EQ(options.max_overflow, 10u);
    EXPECT_EQ(options.pool_timeout, milliseconds(30000));
    EXPECT_FALSE(options.pool_recycle.has_value());
    EXPECT_FALSE(options.pool_pre_ping);
    EXPECT_FALSE(options.pool_use_lifo);
    EXPECT_EQ(options.poolclass, "");
    EXPECT_FALSE(options.echo);
    EXPECT_FALSE(options.echo_pool);
    EXPECT_EQ(options.isolation_level, "");
    EXPECT_EQ(options.connect_timeout, milliseconds(10000));
    EXPECT_EQ(options.statement_cache_size, 100u);
    EXPECT_FALSE(options.statement_timeout.has_value());
    EXPECT_TRUE(options.driver_options.empty());
    EXPECT_EQ(options, EngineOptions{});
}

TEST(EngineOptions, EveryOptionFromUrl) {
    const EngineOptions o = options_of(
        "postgresql://h/db?pool_size=7&max_overflow=0&pool_timeout=2.5&pool_recycle=3600"
        "&pool_pre_ping=yes&pool_use_lifo=ON&poolclass=null&echo=1&echo_pool=true"
        "&isolation_level=read_committed&connect_timeout=5&statement_cache_size=0"
        "&statement_timeout=1.5");
    EXPECT_EQ(o.pool_size, 7u);
    EXPECT_EQ(o.max_overflow, 0u);
    EXPECT_EQ(o.pool_timeout, milliseconds(2500));
    EXPECT_EQ(o.pool_recycle, std::optional<milliseconds>(milliseconds(3'600'000)));
    EXPECT_TRUE(o.pool_pre_ping);
    EXPECT_TRUE(o.pool_use_lifo);
    EXPECT_EQ(o.poolclass, "null");
    EXPECT_TRUE(o.echo);
    EXPECT_TRUE(o.echo_pool);
    EXPECT_EQ(o.isolation_level, "READ COMMITTED");
    EXPECT_EQ(o.connect_timeout, milliseconds(5000));
    EXPECT_EQ(o.statement_cache_size, 0u);
    EXPECT_EQ(o.statement_timeout, std::optional<milliseconds>(milliseconds(1500)));
    EXPECT_TRUE(o.driver_options.empty());
}

TEST(EngineOptions, Sizes) {
    EngineOptions o;
    apply_option(o, "pool_size", "0");
    EXPECT_EQ(o.pool_size, 0u);
    apply_option(o, "pool_size", "123");
    EXPECT_EQ(o.pool_size, 123u);
    apply_option(o, "max_overflow", "-1");
    EXPECT_EQ(o.max_overflow, EngineOptions::unlimited_overflow);
    apply_option(o, "max_overflow", "20");
    EXPECT_EQ(o.max_overflow, 20u);
    apply_option(o, "statement_cache_size", "512");
    EXPECT_EQ(o.statement_cache_size, 512u);
}

TEST(EngineOptions, DurationsInSeconds) {
    const std::pair<const char*, long long> cases[] = {
        {"30", 30000}, {"2.5", 2500}, {".25", 250}, {"1.", 1000},     {"0", 0},
        {"0.001", 1},  {"0.0005", 1}, {"0.0004", 0}, {"1.2349", 1235}, {"007", 7000},
    };
    for (const auto& [text, ms] : cases) {
        SCOPED_TRACE(text);
        EngineOptions o;
        apply_option(o, "pool_timeout", text);
        EXPECT_EQ(o.pool_timeout, milliseconds(ms));
        apply_option(o, "connect_timeout", text);
        EXPECT_EQ(o.connect_timeout, milliseconds(ms));
        apply_option(o, "pool_recycle", text);
        EXPECT_EQ(o.pool_recycle, std::optional<milliseconds>(milliseconds(ms)));
    }
}

TEST(EngineOptions, RecycleAndStatementTimeoutNone) {
    EngineOptions o;
    apply_option(o, "pool_recycle", "60");
    ASSERT_TRUE(o.pool_recycle.has_value());
    apply_option(o, "pool_recycle", "-1");
    EXPECT_FALSE(o.pool_recycle.has_value());

    apply_option(o, "statement_timeout", "10");
    EXPECT_EQ(o.statement_timeout, std::optional<milliseconds>(milliseconds(10000)));
    apply_option(o, "statement_timeout", "0");
    EXPECT_FALSE(o.statement_timeout.has_value());
    apply_option(o, "statement_timeout", "10");
    apply_option(o, "statement_timeout", "-1");
    EXPECT_FALSE(o.statement_timeout.has_value());
}

TEST(EngineOptions, Booleans) {
    for (const char* key : {"pool_pre_ping", "pool_use_lifo", "echo", "echo_pool"}) {
        for (const char* yes : {"true", "True", "TRUE", "1", "yes", "YES", "on", "On"}) {
            SCOPED_TRACE(std::string(key) + "=" + yes);
            EngineOptions o;
            apply_option(o, key, yes);
            EXPECT_TRUE(o.pool_pre_ping || o.pool_use_lifo || o.echo || o.echo_pool);
            apply_option(o, key, "false");
            EXPECT_EQ(o, EngineOptions{});
        }
        for (const char* no : {"false", "False", "0", "no", "NO", "off", "OFF"}) {
            SCOPED_TRACE(std::string(key) + "=" + no);
            EngineOptions o;
            apply_option(o, key, "true");
            apply_option(o, key, no);
            EXPECT_EQ(o, EngineOptions{});
        }
    }
}

TEST(EngineOptions, Poolclass) {
    const std::pair<const char*, const char*> cases[] = {
        {"queue", "queue"},   {"QueuePool", "queue"}, {"AsyncAdaptedQueuePool", "queue"},
        {"null", "null"},     {"NullPool", "null"},   {"static", "static"},
        {"StaticPool", "static"}, {"", ""},           {"default", ""},
    };
    for (const auto& [text, expected] : cases) {
        SCOPED_TRACE(text);
        EngineOptions o;
        apply_option(o, "poolclass", text);
        EXPECT_EQ(o.poolclass, expected);
    }
}

TEST(EngineOptions, IsolationLevel) {
    const std::pair<const char*, const char*> cases[] = {
        {"read_committed", "READ COMMITTED"},   {"READ COMMITTED", "READ COMMITTED"},
        {"Read Uncommitted", "READ UNCOMMITTED"}, {"repeatable_read", "REPEATABLE READ"},
        {"serializable", "SERIALIZABLE"},       {"autocommit", "AUTOCOMMIT"},
        {"AUTOCOMMIT", "AUTOCOMMIT"},           {"  read  committed ", "READ COMMITTED"},
        {"", ""},
    };
    for (const auto& [text, expected] : cases) {
        SCOPED_TRACE(text);
        EngineOptions o;
        apply_option(o, "isolation_level", text);
        EXPECT_EQ(o.isolation_level, expected);
    }
    EXPECT_EQ(options_of("mysql://h?isolation_level=REPEATABLE%20READ").isolation_level,
              "REPEATABLE READ");
}

TEST(EngineOptions, BadValueMessageNamesOptionAndValue) {
    EXPECT_EQ(option_error("pool_size", "abc"),
              "option 'pool_size': expected a non-negative integer, got 'abc'");
}

TEST(EngineOptions, BadValues) {
    const std::pair<const char*, const char*> cases[] = {
        {"pool_size", "abc"},          {"pool_size", "-1"},
        {"pool_size", "1.5"},          {"pool_size", ""},
        {"pool_size", " 5"},           {"pool_size", "99999999999999999999999"},
        {"max_overflow", "-2"},        {"max_overflow", "ten"},
        {"max_overflow", "18446744073709551615"},
        {"pool_timeout", "-1"},        {"pool_timeout", "abc"},
        {"pool_timeout", "1.2.3"},     {"pool_timeout", "."},
        {"pool_timeout", "1e3"},       {"pool_timeout", ""},
        {"pool_timeout", "30s"},       {"pool_timeout", "99999999999999999999"},
        {"pool_recycle", "-2"},        {"pool_recycle", "never"},
        {"pool_pre_ping", "maybe"},    {"pool_use_lifo", ""},
        {"echo", "debug"},             {"echo_pool", "2"},
        {"poolclass", "SingletonThreadPool"}, {"poolclass", "pool"},
        {"isolation_level", "SNAPSHOT"}, {"isolation_level", "read-committed"},
        {"isolation_level", "committed"},
        {"connect_timeout", "-3"},     {"connect_timeout", "soon"},
        {"statement_cache_size", "x"}, {"statement_timeout", "-5"},
        {"statement_timeout", "1,5"},
    };
    for (const auto& [key, value] : cases) {
        SCOPED_TRACE(std::string(key) + "=" + value);
        const std::string message = option_error(key, value);
        EXPECT_CONTAINS(message, "option '" + std::string(key) + "'");
        EXPECT_CONTAINS(message, "got '" + std::string(value) + "'");
    }
}

TEST(EngineOptions, BadValueFromUrlThrows) {
    EXPECT_THROW((void)options_of("postgresql://h?pool_size=many"), ArgumentError);
    const std::string message = error_of([] { (void)options_of("postgresql://h?echo=sometimes"); });
    EXPECT_CONTAINS(message, "'echo'");
    EXPECT_CONTAINS(message, "'sometimes'");
}

TEST(EngineOptions, UnknownOptionsGoToDriverInOrder) {
    const EngineOptions o = options_of(
        "postgresql://h/db?sslmode=require&pool_size=3&application_name=app&sslmode=disable"
        "&Pool_Size=9&server_settings=x%3Dy");
    EXPECT_EQ(o.pool_size, 3u);
    EXPECT_EQ(o.driver_options, (Query{{"sslmode", "require"},
                                       {"application_name", "app"},
                                       {"sslmode", "disable"},
                                       {"Pool_Size", "9"},
                                       {"server_settings", "x=y"}}));
}

TEST(EngineOptions, ApplyOptionRecordsUnknownKeys) {
    EngineOptions o;
    apply_option(o, "timeout", "5");
    apply_option(o, "echo", "true");
    apply_option(o, "charset", "");
    EXPECT_TRUE(o.echo);
    EXPECT_EQ(o.driver_options, (Query{{"timeout", "5"}, {"charset", ""}}));
}

TEST(EngineOptions, LastRepeatedKnownOptionWins) {
    EXPECT_EQ(options_of("postgresql://h?pool_size=1&pool_size=2").pool_size, 2u);
}

TEST(EngineOptions, FromJsonConfig) {
    const EngineOptions o = EngineOptions::from_url(Url::from_json(
        R"({"dialect": "postgresql", "host": "h",
            "options": {"pool_size": 20, "echo": true, "pool_timeout": 2.5,
                        "pool_recycle": -1, "ssl": "require"}})"));
    EXPECT_EQ(o.pool_size, 20u);
    EXPECT_TRUE(o.echo);
    EXPECT_EQ(o.pool_timeout, milliseconds(2500));
    EXPECT_FALSE(o.pool_recycle.has_value());
    EXPECT_EQ(o.driver_options, (Query{{"ssl", "require"}}));
}

}  // namespace
