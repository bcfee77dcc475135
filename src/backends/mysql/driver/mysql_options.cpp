#include "backends/mysql/driver/mysql_options.hpp"

#include "asyncsql/error.hpp"

namespace asyncsql::mysql {

MysqlOptions parse_options(const Url& url, const EngineOptions& options) {
    MysqlOptions out;
    if (!url.host.empty()) out.host = url.host;
    if (url.port) out.port = *url.port;
    out.user = url.username;
    out.password = url.password;
    out.database = url.database;
    out.connect_timeout = options.connect_timeout;
    out.statement_cache_size = options.statement_cache_size;
    for (const auto& [key, value] : options.driver_options) {
        if (key == "charset") out.charset = value;
        else if (key == "unix_socket") out.unix_socket = value;
        else if (key == "init_command") out.init_command = value;
        else if (key == "read_timeout") out.read_timeout = parse_seconds_option(key, value);
        else if (key == "write_timeout") out.write_timeout = parse_seconds_option(key, value);
        else if (key == "ssl") out.ssl = parse_bool_option(key, value);
        else if (key == "ssl_ca") out.ssl_ca = value, out.ssl = true;
        else if (key == "ssl_cert") out.ssl_cert = value, out.ssl = true;
        else if (key == "ssl_key") out.ssl_key = value, out.ssl = true;
        else if (key == "ssl_verify_server_cert") out.ssl_verify_server_cert = parse_bool_option(key, value);
        else if (key == "bulk") out.bulk = parse_bool_option(key, value);
        else
            throw ArgumentError("unknown mysql option '" + key +
                                    "'; known: charset, unix_socket, init_command, read_timeout, write_timeout, "
                                    "ssl, ssl_ca, ssl_cert, ssl_key, ssl_verify_server_cert, bulk",
                                ErrorKind::invalid_argument);
    }
    // Connector/C takes the unix socket only for the host "localhost".
    if (!out.unix_socket.empty() && url.host.empty()) out.host = "localhost";
    return out;
}

}  // namespace asyncsql::mysql
