#include "backends/backend.hpp"

#include <string>

#include "asyncsql/error.hpp"
#include "backends/mysql/mysql_backend.hpp"
#include "backends/postgresql/postgresql_backend.hpp"
#include "backends/sqlite/sqlite_backend.hpp"

namespace asyncsql::backends {

const Backend& find_backend(std::string_view dialect_name) {
    if (dialect_name == "sqlite") return sqlite::backend();
    if (dialect_name == "postgresql") return postgresql::backend();
    if (dialect_name == "mysql" || dialect_name == "mariadb") return mysql::backend();
    throw ArgumentError("no backend for dialect '" + std::string(dialect_name) +
                            "' in this build; available: sqlite, postgresql, mysql/mariadb",
                        ErrorKind::not_supported);
}

}  // namespace asyncsql::backends
