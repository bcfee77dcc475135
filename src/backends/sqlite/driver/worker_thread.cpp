#include "backends/sqlite/driver/worker_thread.hpp"

#include <cassert>

namespace asyncsql::sqlite {

WorkerThread::WorkerThread() : thread_([this] { loop(); }) {}

WorkerThread::~WorkerThread() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WorkerThread::submit(Task& task) {
    {
        std::lock_guard lock(mutex_);
        assert(pending_ == nullptr && "one operation at a time per connection");
        pending_ = &task;
    }
    wake_.notify_one();
}

void WorkerThread::loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return pending_ != nullptr || stopping_; });
        if (pending_ == nullptr) return;
        Task* task = pending_;
        pending_ = nullptr;
        lock.unlock();
        task->run();
        lock.lock();
    }
}

}  // namespace asyncsql::sqlite
