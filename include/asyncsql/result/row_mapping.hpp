#pragma once
// Row::as<T>(): a row into a tuple (by position), a described struct (by
// column name, Boost.Describe), a plain aggregate (by position, Boost.PFR) or,
// for one-column rows, any decodable type.

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/pfr/core.hpp>

#include "asyncsql/result/row.hpp"

namespace asyncsql {

namespace detail {

// Throws DataError: the row has `actual` columns but `type` needs `expected`.
[[noreturn]] void throw_shape_error(std::string_view type, std::size_t expected,
                                    std::size_t actual);

template <class T>
struct is_tuple : std::false_type {};
template <class... Ts>
struct is_tuple<std::tuple<Ts...>> : std::true_type {};


template <class T>
constexpr bool is_described_struct =
    boost::describe::has_describe_members<T>::value && std::is_class_v<T>;

}  // namespace detail

template <class T>
T Row::as() const {
    if constexpr (detail::is_tuple<T>::value) {
        constexpr std::size_t n = std::tuple_size_v<T>;
        if (size() != n) detail::throw_shape_error("std::tuple", n, size());
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return T{get_unchecked<std::tuple_element_t<I, T>>(I)...};
        }(std::make_index_sequence<n>{});
    } else if constexpr (detail::is_described_struct<T>) {
        T out{};
        using members = boost::describe::describe_members<T, boost::describe::mod_public>;
        std::size_t position = 0;
        boost::mp11::mp_for_each<members>([&](auto member) {
            using field = std::remove_cvref_t<decltype(out.*member.pointer)>;
            out.*member.pointer = get_unchecked<field>(column_of(member.name, position++));
        });
        return out;
    } else if constexpr (Decodable<T>) {
        if (size() != 1) detail::throw_shape_error("a single value", 1, size());
        return get_unchecked<T>(0);
    } else {
        static_assert(std::is_aggregate_v<T>,
                      "Row::as<T>: T must be a std::tuple, a Boost.Describe'd struct, an "
                      "aggregate, or a type with an asyncsql::codec");
        constexpr std::size_t n = boost::pfr::tuple_size_v<T>;
        if (size() != n) detail::throw_shape_error("the struct's fields", n, size());
        T out{};
        boost::pfr::for_each_field(out, [&](auto& field, std::size_t i) {
            field = get_unchecked<std::remove_cvref_t<decltype(field)>>(i);
        });
        return out;
    }
}

}  // namespace asyncsql
