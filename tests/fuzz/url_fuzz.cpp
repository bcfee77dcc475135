// libFuzzer target for the url layer: the input is tried both as a URL and as
// a JSON config. Only ArgumentError is an accepted failure; anything else
// (another exception, a sanitizer report, a broken invariant) crashes.
//
// Invariants checked for every Url that parses:
//   * Url::parse(url.to_string_with_password()) == url
//   * Url::parse(url.to_string()) == url except for the password (and the
//     values of "password" options), which read "***"
//   * EngineOptions::from_url either succeeds or throws ArgumentError

#include "asyncsql/error.hpp"
#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void invariant_broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "url_fuzz: %s\n  %s\n", what, detail.c_str());
    std::abort();
}

bool is_password_key(std::string_view key) {
    constexpr std::string_view word = "password";
    if (key.size() != word.size()) return false;
    for (std::size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != word[i]) return false;
    }
    return true;
}

// to_string() must parse back to `url` with only the password and the values
// of "password" query options replaced by "***".
void check_masked(const asyncsql::Url& url) {
    const std::string masked = url.to_string();
    asyncsql::Url shown;
    try {
        shown = asyncsql::Url::parse(masked);
    } catch (const asyncsql::ArgumentError& e) {
        invariant_broken("to_string() does not parse", e.message());
    }
    if (shown.password != (url.password.empty() ? "" : "***")) {
        invariant_broken("to_string() shows the password", masked);
    }
    shown.password = url.password;
    if (shown.query.size() != url.query.size()) {
        invariant_broken("to_string() changed the query", masked);
    }
    for (std::size_t i = 0; i < url.query.size(); ++i) {
        if (!is_password_key(url.query[i].first)) continue;
        if (shown.query[i].second != "***") {
            invariant_broken("to_string() shows a password option", masked);
        }
        shown.query[i].second = url.query[i].second;
    }
    if (!(shown == url)) invariant_broken("to_string() changed more than the password", masked);
}

void check_round_trip(const asyncsql::Url& url) {
    const std::string text = url.to_string_with_password();
    asyncsql::Url again;
    try {
        again = asyncsql::Url::parse(text);
    } catch (const asyncsql::ArgumentError& e) {
        invariant_broken("to_string_with_password() does not parse", text + " -> " + e.message());
    }
    if (!(again == url)) invariant_broken("round trip changed the URL", text);
    if (again.to_string_with_password() != text) {
        invariant_broken("re-encoding is not stable", text);
    }
    check_masked(url);
}

void check_options(const asyncsql::Url& url) {
    try {
        (void)asyncsql::EngineOptions::from_url(url);
    } catch (const asyncsql::ArgumentError&) {
    }
}

void check(const asyncsql::Url& url) {
    check_round_trip(url);
    check_options(url);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        check(asyncsql::Url::parse(input));
    } catch (const asyncsql::ArgumentError&) {
    }
    try {
        check(asyncsql::Url::from_json(input));
    } catch (const asyncsql::ArgumentError&) {
    }
    return 0;
}
