// The image archive reader (containers/images): archives come from anywhere (`docker save`, a
// download). Each input is applied twice, as a layer (whiteouts on) and as an archive (whiteouts
// off), onto a fresh root inside a scratch folder, and the archive's tree is then read as an image
// layout. Whatever the bytes, nothing may appear in the scratch folder beside the root, and a
// refused layer must leave the root as it was (empty).
#include "containers/images/imagelayout.h"
#include "containers/images/layerapplier.h"
#include "containers/images/rootdirectory.h"

#include <QDir>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace edgedesk;

namespace {

QTemporaryDir &scratch()
{
    static QTemporaryDir dir;
    return dir;
}

int inputFd(const uint8_t *data, size_t size)
{
    const int fd = memfd_create("fuzz-imagetar", MFD_CLOEXEC);
    if (fd < 0)
        std::abort();
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0)
            std::abort();
        done += size_t(n);
    }
    if (::lseek(fd, 0, SEEK_SET) != 0)
        std::abort();
    return fd;
}

void checkOnlyRoot(const QString &root)
{
    const QStringList names =
        QDir(scratch().path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System |
                                         QDir::NoDotAndDotDot);
    if (names != QStringList{QDir(root).dirName()})
        std::abort(); // something was written beside the root
}

void applyOnce(const uint8_t *data, size_t size, bool whiteouts)
{
    const QString rootPath = scratch().filePath(QStringLiteral("root"));
    QDir(rootPath).removeRecursively();
    if (!QDir().mkpath(rootPath))
        std::abort();
    auto root = RootDirectory::open(rootPath);
    if (!root.ok())
        std::abort();
    LayerApplier::Options options;
    options.what = QStringLiteral("fuzz input");
    options.whiteouts = whiteouts;
    options.maxBytes = 4 * 1024 * 1024;
    options.maxEntries = 4096;
    const int fd = inputFd(data, size);
    const auto applied = LayerApplier::apply(fd, *root, options);
    ::close(fd);
    checkOnlyRoot(rootPath);
    if (!applied.ok()) {
        if (!QDir(rootPath).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System |
                                    QDir::NoDotAndDotDot))
            std::abort(); // a refused layer changed the root
        return;
    }
    if (!whiteouts)
        (void)ImageLayout::read(*root, options.what);
    checkOnlyRoot(rootPath);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!scratch().isValid())
        std::abort();
    applyOnce(data, size, true);
    applyOnce(data, size, false);
    return 0;
}
