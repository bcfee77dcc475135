#include "asyncsql/sql/params.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "asyncsql/error.hpp"

namespace asyncsql {

namespace {

void check_name(std::string_view name) {
    if (name.empty()) throw ArgumentError("parameter name must not be empty",
                                          ErrorKind::invalid_argument);
    if (name.front() == ':')
        throw ArgumentError("parameter name '" + std::string(name) +
                                "' must be given without the leading ':' (write \"" +
                                std::string(name.substr(1)) + "\")",
                            ErrorKind::invalid_argument);
}

[[noreturn]] void throw_duplicate(std::string_view name) {
    throw ArgumentError("duplicate parameter '" + std::string(name) + "'",
                        ErrorKind::invalid_argument);
}

// Quadratic for the usual handful of names, hashed for generated statements
// with hundreds of them.
void check_names(const std::vector<NamedParam>& params) {
    constexpr std::size_t small = 16;
    if (params.size() <= small) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            check_name(params[i].name);
            for (std::size_t j = 0; j < i; ++j)
                if (params[j].name == params[i].name) throw_duplicate(params[i].name);
        }
        return;
    }
    std::unordered_set<std::string_view> seen;
    seen.reserve(params.size());
    for (const NamedParam& p : params) {
        check_name(p.name);
        if (!seen.insert(p.name).second) throw_duplicate(p.name);
    }
}

}  // namespace

Params::Params(detail::NamedParamSlot p1, detail::NamedParamSlot p2, detail::NamedParamSlot p3,
               detail::NamedParamSlot p4, detail::NamedParamSlot p5, detail::NamedParamSlot p6,
               detail::NamedParamSlot p7, detail::NamedParamSlot p8, detail::NamedParamSlot p9,
               detail::NamedParamSlot p10, detail::NamedParamSlot p11, detail::NamedParamSlot p12,
               detail::NamedParamSlot p13, detail::NamedParamSlot p14, detail::NamedParamSlot p15,
               detail::NamedParamSlot p16)
    : kind_(Kind::named) {
    for (auto* slot : {&p1, &p2, &p3, &p4, &p5, &p6, &p7, &p8, &p9, &p10, &p11, &p12, &p13, &p14, &p15, &p16}) {
        if (!slot->present) break;
        named_.push_back(NamedParam{std::move(slot->name), std::move(slot->value)});
    }
    check_names(named_);
}

Params Params::named(std::vector<NamedParam> params) {
    check_names(params);
    Params out;
    out.kind_ = Kind::named;
    out.named_ = std::move(params);
    return out;
}

Params Params::positional(std::vector<Value> values) noexcept {
    Params params;
    params.kind_ = Kind::positional;
    params.positional_ = std::move(values);
    return params;
}

Params& Params::add(std::string name, Value value) {
    if (kind_ == Kind::positional)
        throw ArgumentError("cannot add named parameter '" + name +
                                "' to positional parameters",
                            ErrorKind::invalid_argument);
    check_name(name);
    if (find(name) != nullptr) throw_duplicate(name);
    named_.push_back(NamedParam{std::move(name), std::move(value)});
    kind_ = Kind::named;
    return *this;
}

const Value* Params::find(std::string_view name) const noexcept {
    auto it = std::find_if(named_.begin(), named_.end(),
                           [&](const NamedParam& p) { return p.name == name; });
    return it == named_.end() ? nullptr : &it->value;
}

}  // namespace asyncsql
