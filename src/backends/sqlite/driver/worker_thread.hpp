#pragma once
// The thread that owns one SQLite connection's blocking work. It holds one
// task at a time (a connection runs one operation at a time), so handing work
// over needs no queue and no allocation.

#include <condition_variable>
#include <mutex>
#include <thread>

namespace asyncsql::sqlite {

class WorkerThread {
public:
    struct Task {
        virtual void run() noexcept = 0;

    protected:
        ~Task() = default;
    };

    WorkerThread();
    ~WorkerThread();  // finishes the current task, then joins
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    // `task` must stay alive until its run() returns.
    void submit(Task& task);

private:
    void loop();

    std::mutex mutex_;
    std::condition_variable wake_;
    Task* pending_ = nullptr;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace asyncsql::sqlite
