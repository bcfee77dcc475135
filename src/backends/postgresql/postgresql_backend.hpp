#pragma once

#include "backends/backend.hpp"

namespace asyncsql::postgresql {

const backends::Backend& backend();

}  // namespace asyncsql::postgresql
