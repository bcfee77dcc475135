#pragma once
// Row: one row of a result, by index or by column name. Rows share their
// batch's storage, so copying a Row is cheap and it stays valid on its own.

#include <algorithm>
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
    // No name is repeated.
    bool unique() const noexcept { return unique_; }

private:
    std::vector<std::string> names_;
    std::unordered_map<std::string_view, std::size_t> index_;
    bool unique_ = true;
};

// A block of rows stored row-major in one vector: one allocation per batch,
// not per row.
struct RowSet {
    std::shared_ptr<const Columns> columns;
    std::vector<Value> values;

    std::size_t row_count() const noexcept {
        return columns && columns->size() ? values.size() / columns->size() : 0;
    }

    // Room for `rows` more rows. Appending batch after batch, it at least
    // doubles the capacity each time it grows, so the values are not all
    // moved again for every batch.
    void reserve_more(std::size_t rows) {
        const std::size_t needed = values.size() + rows * (columns ? columns->size() : 0);
        if (needed > values.capacity()) values.reserve(std::max(needed, 2 * values.capacity()));
    }
};

class Row {
public:
    Row(std::shared_ptr<const RowSet> set, std::size_t index) noexcept
        : set_(std::move(set)), index_(index) {}

    std::size_t size() const noexcept { return set_->columns->size(); }
    const std::vector<std::string>& keys() const noexcept { return set_->columns->names(); }

    // Throws InterfaceError when out of range / unknown.
    const Value& operator[](std::size_t column) const {
        if (column >= size()) [[unlikely]]
            throw_out_of_range(column);
        return data()[column];
    }
    const Value& operator[](std::string_view column) const;

    template <Decodable T>
    T get(std::size_t column) const {
        if (column >= size()) [[unlikely]]
            throw_out_of_range(column);
        return get_unchecked<T>(column);
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
    friend class Result;  // steps one Row along the set instead of making one per row

    const Value* data() const noexcept { return set_->values.data() + index_ * size(); }
    [[noreturn]] void throw_out_of_range(std::size_t column) const;

    // The index of column `name`, tried first at `guess` (a struct's fields
    // usually come in the order of the SELECT; with a repeated name the first
    // column of that name is the answer, so no guess then); throws as
    // operator[] does.
    std::size_t column_of(std::string_view name, std::size_t guess) const {
        const auto& names = keys();
        if (guess < names.size() && names[guess] == name && set_->columns->unique()) return guess;
        return set_->columns->index_of(name);
    }

    // get<T>(column) for a column known to be in range.
    template <Decodable T>
    T get_unchecked(std::size_t column) const {
        return data()[column].as<T>(set_->columns->names()[column]);
    }

    std::shared_ptr<const RowSet> set_;
    std::size_t index_;
};

}  // namespace asyncsql

#include "asyncsql/result/row_mapping.hpp"
