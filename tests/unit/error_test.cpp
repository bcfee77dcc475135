#include <gtest/gtest.h>

#include "asyncsql/error.hpp"

namespace asyncsql {
namespace {

TEST(Error, WhatCarriesMessageCodesAndStatement) {
    const Error e(ErrorInfo{.message = "duplicate key",
                            .kind = ErrorKind::unique_violation,
                            .sqlstate = "23505",
                            .native_code = 0,
                            .statement = "INSERT INTO t VALUES (1)",
                            .detail = "Key (id)=(1) already exists.",
                            .hint = "pick another id"});
    const std::string text = e.what();
    EXPECT_EQ(text.rfind("duplicate key", 0), 0u);
    for (const char* part : {"23505", "Key (id)=(1)", "pick another id", "INSERT INTO t"})
        EXPECT_NE(text.find(part), std::string::npos) << part;
    EXPECT_EQ(e.message(), "duplicate key");
}

template <class Expected>
void expect_thrown_as(ErrorKind kind) {
    try {
        throw_database_error(ErrorInfo{.message = "x", .kind = kind});
    } catch (const Expected& e) {
        EXPECT_EQ(e.kind(), kind);
        return;
    } catch (...) {
    }
    ADD_FAILURE() << "kind " << to_string(kind) << " was not thrown as the expected class";
}

TEST(Error, KindsMapToTheirDbApiClass) {
    expect_thrown_as<IntegrityError>(ErrorKind::unique_violation);
    expect_thrown_as<IntegrityError>(ErrorKind::foreign_key_violation);
    expect_thrown_as<IntegrityError>(ErrorKind::not_null_violation);
    expect_thrown_as<OperationalError>(ErrorKind::deadlock);
    expect_thrown_as<OperationalError>(ErrorKind::serialization_failure);
    expect_thrown_as<OperationalError>(ErrorKind::connection_lost);
    expect_thrown_as<CommitOutcomeUnknownError>(ErrorKind::commit_outcome_unknown);
    expect_thrown_as<ProgrammingError>(ErrorKind::syntax_error);
    expect_thrown_as<ProgrammingError>(ErrorKind::undefined_object);
    expect_thrown_as<DataError>(ErrorKind::data_exception);
    expect_thrown_as<TimeoutError>(ErrorKind::statement_timeout);
    expect_thrown_as<NotSupportedError>(ErrorKind::not_supported);
    expect_thrown_as<DatabaseError>(ErrorKind::other);
}

TEST(Error, HierarchyFollowsDbApi) {
    EXPECT_TRUE((std::is_base_of_v<DatabaseError, OperationalError>));
    EXPECT_TRUE((std::is_base_of_v<DatabaseError, IntegrityError>));
    EXPECT_TRUE((std::is_base_of_v<OperationalError, CommitOutcomeUnknownError>));
    EXPECT_TRUE((std::is_base_of_v<InterfaceError, NoResultFound>));
    EXPECT_TRUE((std::is_base_of_v<Error, ArgumentError>));
    EXPECT_TRUE((std::is_base_of_v<std::runtime_error, Error>));
    EXPECT_TRUE(OperationalError("gone", ErrorKind::connection_lost).is_disconnect());
    EXPECT_TRUE(OperationalError("dl", ErrorKind::deadlock).is_deadlock());
}

}  // namespace
}  // namespace asyncsql
