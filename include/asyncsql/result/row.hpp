#pragma once
// Row: one row of a result, by index or by column name. Rows share their
// batch's storage, so copying a Row is cheap and it stays valid on its own.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asyncsql/types/value.hpp"

namespace asyncsql {

// The column names of one result, shared by all of its rows.
class Columns {
public:
    Columns() = default;
    explicit Columns(std::vector<std::string> names);

    std::size_t size() const noexcept { return names_.size(); }
    const std::vector<std::string>& names() const noexcept { return names_; }
    const std::string& name(std::size_t index) const { return names_.at(index); }

    // Throws InterfaceError listing the known names when `name` is not a column.
    std::size_t index_of(std::string_view name) const;
    // SIZE_MAX when absent.
    std::size_t find(std::string_view name) const noexcept;

private:
    std::vector<std::string> names_;
    std::unordered_map<std::string_view, std::size_t> index_;
};

// A block of rows stored row-major in one vector: one allocation per batch,
// not per row.
struct RowSet {
    std::shared_ptr<const Columns> columns;
    std::vector<Value> values;

    std::size_t row_count() const noexcept {
        return columns && columns->size() ? values.size() / columns->size() : 0;
    }
};

class Row {
public:
    Row(std::shared_ptr<const RowSet> set, std::size_t index) noexcept
        : set_(std::move(set)), index_(index) {}

    std::size_t size() const noexcept { return set_->columns->size(); }
    const std::vector<std::string>& keys() const noexcept { return set_->columns->names(); }

    // Throws InterfaceError when out of range / unknown.
    const Value& operator[](std::size_t column) const;
    const Value& operator[](std::string_view column) const;

    template <Decodable T>
    T get(std::size_t column) const {
        return (*this)[column].as<T>(set_->columns->name(column));
    }
    template <Decodable T>
    T get(std::string_view column) const {
        return (*this)[column].as<T>(column);
    }

    // Maps the row into a tuple or an aggregate (see row_mapping.hpp).
    template <class T>
    T as() const;

    std::unordered_map<std::string, Value> to_map() const;
    std::string to_string() const;  // "(1, 'ada', NULL)"

    const Value* begin() const noexcept { return data(); }
    const Value* end() const noexcept { return data() + size(); }

    friend bool operator==(const Row& a, const Row& b);

private:
    const Value* data() const noexcept { return set_->values.data() + index_ * size(); }

    std::shared_ptr<const RowSet> set_;
    std::size_t index_;
};

}  // namespace asyncsql

#include "asyncsql/result/row_mapping.hpp"
