#pragma once
// Params: the values bound to one execution of a statement, either by name
// (:id) or by position (?), or none at all.
//
//   conn.execute(text("SELECT * FROM users WHERE id = :id"), {{"id", 5}});
//   conn.execute("INSERT INTO t VALUES (?, ?)", Params::positional(1, "ada"));
//
// The statement decides which form it needs; bind() in compiled_sql.hpp
// reports a mismatch as ArgumentError.

#include <cstddef>
#include <type_traits>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/types/value.hpp"

namespace asyncsql {

namespace detail {
// One argument of Params' named constructor; `present` is false only for the
// defaulted trailing slots.
struct NamedParamSlot {
    NamedParamSlot() = default;
    template <class V>
        requires std::is_constructible_v<Value, const V&>
    NamedParamSlot(std::string n, const V& v) : name(std::move(n)), value(v), present(true) {}
    std::string name;
    Value value;
    bool present = false;
};
}  // namespace detail

// One named value. `name` is written without the colon: {"id", 5} binds :id.
struct NamedParam {
    std::string name;
    Value value;

    friend bool operator==(const NamedParam&, const NamedParam&) = default;
};

class Params {
public:
    enum class Kind { none, named, positional };

    // No parameters.
    Params() noexcept = default;

    // Named: Params p = {{"id", 5}, {"name", "ada"}}; up to 16 at once
    // (add() or the vector form for more). Throws ArgumentError on a
    // duplicate, empty or ':'-prefixed name.
    //
    // Deliberately not an std::initializer_list constructor: g++ 12 cannot
    // compile an initializer_list inside a co_await expression ("array used
    // as initializer"), and `co_await c.execute(sql, {{"id", 5}})` must work.
    Params(detail::NamedParamSlot p1, detail::NamedParamSlot p2 = {}, detail::NamedParamSlot p3 = {},
           detail::NamedParamSlot p4 = {}, detail::NamedParamSlot p5 = {}, detail::NamedParamSlot p6 = {},
           detail::NamedParamSlot p7 = {}, detail::NamedParamSlot p8 = {}, detail::NamedParamSlot p9 = {},
           detail::NamedParamSlot p10 = {}, detail::NamedParamSlot p11 = {},
           detail::NamedParamSlot p12 = {}, detail::NamedParamSlot p13 = {},
           detail::NamedParamSlot p14 = {}, detail::NamedParamSlot p15 = {},
           detail::NamedParamSlot p16 = {});
    static Params named(std::vector<NamedParam> params);

    // Positional, in placeholder order: Params::positional(1, "ada").
    static Params positional(std::vector<Value> values) noexcept;
    template <class... Ts>
        requires(sizeof...(Ts) > 0 && (std::is_constructible_v<Value, const Ts&> && ...) &&
                 !(sizeof...(Ts) == 1 && (std::is_same_v<std::remove_cvref_t<Ts>, std::vector<Value>> && ...)))
    static Params positional(const Ts&... values) {
        std::vector<Value> list;
        list.reserve(sizeof...(Ts));
        (list.emplace_back(values), ...);
        return positional(std::move(list));
    }

    // Adds one named value; turns an empty Params into a named one. Throws
    // ArgumentError when the name is already present, empty or starts with
    // ':', or when this holds positional values.
    Params& add(std::string name, Value value);

    Kind kind() const noexcept { return kind_; }
    bool is_named() const noexcept { return kind_ == Kind::named; }
    bool is_positional() const noexcept { return kind_ == Kind::positional; }
    bool empty() const noexcept { return size() == 0; }
    std::size_t size() const noexcept {
        return kind_ == Kind::positional ? positional_.size() : named_.size();
    }

    // The value bound to `name` (no colon), or nullptr; linear in size().
    const Value* find(std::string_view name) const noexcept;

    // Empty unless is_named() / is_positional() respectively.
    const std::vector<NamedParam>& named() const noexcept { return named_; }
    const std::vector<Value>& positional_values() const noexcept { return positional_; }

    friend bool operator==(const Params&, const Params&) = default;

private:
    Kind kind_ = Kind::none;
    std::vector<NamedParam> named_;
    std::vector<Value> positional_;
};

}  // namespace asyncsql
