#pragma once

#include "backends/backend.hpp"

namespace asyncsql::mysql {

const backends::Backend& backend();

}  // namespace asyncsql::mysql
