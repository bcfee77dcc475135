# Warning and sanitizer flags shared by every target the project builds.
add_library(asyncsql_build_flags INTERFACE)
target_compile_options(asyncsql_build_flags INTERFACE -Wall -Wextra -Wpedantic
  # Designated initializers leave members to their defaults on purpose.
  -Wno-missing-field-initializers)
if(ASYNCSQL_WARNINGS_AS_ERRORS)
  target_compile_options(asyncsql_build_flags INTERFACE -Werror)
endif()
if(NOT ASYNCSQL_SANITIZE)
  # none (empty, or OFF from a cache written when this was a boolean option)
elseif(ASYNCSQL_SANITIZE STREQUAL "address")
  # -fno-sanitize=function: clang 14 cannot compile coroutines with UBSan's
  # function check ("Cannot represent a difference across sections",
  # llvm-project#49689).
  target_compile_options(asyncsql_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize=function -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  target_link_options(asyncsql_build_flags INTERFACE -fsanitize=address,undefined)
elseif(ASYNCSQL_SANITIZE STREQUAL "thread")
  target_compile_options(asyncsql_build_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(asyncsql_build_flags INTERFACE -fsanitize=thread)
elseif(NOT ASYNCSQL_SANITIZE STREQUAL "")
  message(FATAL_ERROR "ASYNCSQL_SANITIZE must be address, thread or empty, not '${ASYNCSQL_SANITIZE}'")
endif()
