#pragma once

#include "backends/backend.hpp"

namespace asyncsql::sqlite {

const backends::Backend& backend();

}  // namespace asyncsql::sqlite
