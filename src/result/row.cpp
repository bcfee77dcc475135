#include "asyncsql/result/row.hpp"

#include <algorithm>
#include <cstdint>

#include "asyncsql/error.hpp"

namespace asyncsql {

Columns::Columns(std::vector<std::string> names) : names_(std::move(names)) {
    index_.reserve(names_.size());
    // The first column of a repeated name wins, as in SQLAlchemy's Row.
    for (std::size_t i = 0; i < names_.size(); ++i) index_.try_emplace(names_[i], i);
}

std::size_t Columns::find(std::string_view name) const noexcept {
    auto it = index_.find(name);
    return it == index_.end() ? SIZE_MAX : it->second;
}

std::size_t Columns::index_of(std::string_view name) const {
    std::size_t index = find(name);
    if (index != SIZE_MAX) return index;
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw InterfaceError("no column named '" + std::string(name) + "' in this result; columns are: " +
                             (known.empty() ? "(none)" : known),
                         ErrorKind::invalid_argument);
}

const Value& Row::operator[](std::size_t column) const {
    if (column >= size())
        throw InterfaceError("column index " + std::to_string(column) + " is out of range; the row has " +
                                 std::to_string(size()) + " columns",
                             ErrorKind::invalid_argument);
    return data()[column];
}

const Value& Row::operator[](std::string_view column) const {
    return data()[set_->columns->index_of(column)];
}

std::unordered_map<std::string, Value> Row::to_map() const {
    std::unordered_map<std::string, Value> out;
    for (std::size_t i = 0; i < size(); ++i) out.try_emplace(set_->columns->name(i), data()[i]);
    return out;
}

std::string Row::to_string() const {
    std::string out = "(";
    for (std::size_t i = 0; i < size(); ++i) {
        if (i) out += ", ";
        const Value& v = data()[i];
        if (v.kind() == ValueKind::text) out += "'" + v.to_string() + "'";
        else out += v.to_string();
    }
    return out + ")";
}

bool operator==(const Row& a, const Row& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

namespace detail {

void throw_shape_error(std::string_view type, std::size_t expected, std::size_t actual) {
    throw DataError("cannot map a row of " + std::to_string(actual) + " columns into " +
                        std::string(type) + ": " + std::to_string(expected) + " columns expected",
                    ErrorKind::data_exception);
}

}  // namespace detail
}  // namespace asyncsql
