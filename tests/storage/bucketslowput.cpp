// Test helper: writes big objects into a BucketStore so that a test can SIGKILL it mid-write.
//   bucket-slow-put ROOT KEY CHUNKS SEED DELAY_MS        one streamed put, DELAY_MS after each
//   chunk bucket-slow-put ROOT KEY CHUNKS SEED_A SEED_B loop   puts alternating contents until
//   killed
// Progress goes to stdout, one line per event, flushed: "chunk N", "committed SEED".
#include "storage/bucket/bucketstore.h"
#include "bucketpattern.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>

using namespace edgedesk;

namespace {

void say(const QByteArray &line)
{
    std::fputs(line.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

bool putOnce(BucketStore &store, const QString &key, int chunks, quint32 seed, int delayMs)
{
    auto upload = store.beginUpload();
    if (!upload)
        return false;
    for (int i = 0; i < chunks; ++i) {
        if (!upload->write(bucketpattern::chunk(seed, i)))
            return false;
        say("chunk " + QByteArray::number(i + 1));
        if (delayMs > 0)
            QThread::msleep(delayMs);
    }
    auto object = store.commitUpload(std::move(*upload), key, QStringLiteral("application/x-test"));
    if (!object)
        return false;
    say("committed " + QByteArray::number(seed));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 6) {
        std::fputs("usage: bucket-slow-put ROOT KEY CHUNKS SEED DELAY_MS | ROOT KEY CHUNKS SEED_A "
                   "SEED_B loop\n",
                   stderr);
        return 2;
    }
    auto store = BucketStore::open(args[1]);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 1;
    }
    const QString key = args[2];
    const int chunks = args[3].toInt();
    if (args.size() >= 7 && args[6] == QLatin1String("loop")) {
        const quint32 seeds[2] = {args[4].toUInt(), args[5].toUInt()};
        for (int round = 0;; ++round) {
            if (!putOnce(**store, key, chunks, seeds[round % 2], 0))
                return 1;
        }
    }
    return putOnce(**store, key, chunks, args[4].toUInt(), args[5].toInt()) ? 0 : 1;
}
