// Containers: a class whose image is an archive shows the image (reference, digest, size,
// created, port); the Images tab lists the cache with its layers, loads an archive with progress
// (and can cancel), refuses a hostile one, and removes only unused images (409 shown).
#include "containers/containerspanel.h"
#include "containers/imagesview.h"
#include "guifixture.h"
#include "imagetestkit.h"
#include "widgets/messagebanner.h"

#include <QJsonArray>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QByteArray kConfig = R"({
  "name": "image-project",
  "containers": [
    { "class_name": "Img", "image": "./server.tar", "max_instances": 1, "sleep_after": "10m" }
  ],
  "durable_objects": { "bindings": [{ "name": "IMG", "class_name": "Img" }] }
})";

bool isUp(const QString &state)
{
    return state == QLatin1String("running") || state == QLatin1String("healthy");
}

} // namespace

class TestContainerImages final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<GuiFixture> m_gui;
    TestImage m_image = serverImage();

    ContainersPanel *panel() const
    {
        return m_gui->panel<ContainersPanel>(QStringLiteral("containers"));
    }
    ImagesView *images() const { return panel()->images(); }
    QString classRowText() const
    {
        QTreeWidgetItem *row = panel()->tree()->topLevelItem(0);
        return row ? row->text(0) : QString();
    }
    bool listAndWait()
    {
        QSignalSpy listed(images(), &ImagesView::listed);
        images()->refresh();
        return listed.wait(10000);
    }
    QTreeWidgetItem *imageRow(const QString &digest) const
    {
        QTreeWidget *tree = images()->tree();
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->toolTip(1) == digest)
                return tree->topLevelItem(i);
        }
        return nullptr;
    }
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        writeFile(m_dir.filePath(QStringLiteral("server.tar")), imageArchive(m_image.ociFiles()));
        writeFile(m_dir.filePath(QStringLiteral("wrangler.jsonc")), kConfig);
        ServerOptions options;
        options.configPath = m_dir.filePath(QStringLiteral("wrangler.jsonc"));
        options.programDir = qEnvironmentVariable("EDGEDESK_BIN_DIR"); // edgedesk-image-init
        m_gui = std::make_unique<GuiFixture>(options);
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        QVERIFY(m_gui->show(QStringLiteral("containers")));
        QTRY_VERIFY(panel()->hasStatus());
    }
    void cleanupTestCase() { m_gui.reset(); }

    void theClassShowsItsImageBeforeItsFirstStart()
    {
        QTRY_VERIFY(classRowText().contains(QStringLiteral("/server.tar")));
        QVERIFY2(classRowText().contains(QStringLiteral("loaded on the first start")),
                 qPrintable(classRowText()));
        // The instance type's memory limit, as the class row shows it.
        QVERIFY(classRowText().contains(
            QRegularExpression(QStringLiteral("limit [0-9.]+ (MiB|GiB)"))));
    }

    void aStartedInstanceShowsDigestSizeAndPort()
    {
        QVERIFY(panel()->selectInstance(QStringLiteral("IMG"), QStringLiteral("instance-0")));
        panel()->performAction(QStringLiteral("start"));
        QTRY_VERIFY_WITH_TIMEOUT(isUp(panel()->instanceState(QStringLiteral("IMG"),
                                                             QStringLiteral("instance-0"))),
                                 60000);
        const QString digest = m_image.id();
        QTRY_VERIFY_WITH_TIMEOUT(classRowText().contains(digest.mid(7, 12)), 10000);
        QVERIFY2(classRowText().contains(QStringLiteral("port 8080")), qPrintable(classRowText()));
        QVERIFY(classRowText().contains(QStringLiteral("created ")));
        const QString tip = panel()->tree()->topLevelItem(0)->toolTip(0);
        QVERIFY(tip.contains(QStringLiteral("Digest: ") + digest));
        QVERIFY(tip.contains(QStringLiteral("Exposed port: 8080")));
        QVERIFY(!m_gui->screenshot(QStringLiteral("containers-image-class")).isEmpty());
    }

    void theImagesTabListsImagesAndLayers()
    {
        panel()->showImages();
        QCOMPARE(panel()->tabs()->currentWidget(), images());
        QVERIFY(listAndWait());
        QTreeWidgetItem *row = imageRow(m_image.id());
        QVERIFY(row);
        QCOMPARE(row->text(0), QStringLiteral("localhost/test-image:latest"));
        QCOMPARE(row->text(4), QStringLiteral("8080"));
        QCOMPARE(row->text(5), QStringLiteral("in use"));
        QCOMPARE(row->childCount(), m_image.layers().size());
        QVERIFY(row->child(0)->text(0).startsWith(QStringLiteral("layer 1")));
        QVERIFY(!row->child(0)->text(2).isEmpty());
        QVERIFY(!m_gui->screenshot(QStringLiteral("containers-images")).isEmpty());
    }

    void anImageInUseIsNotRemoved()
    {
        QVERIFY(images()->selectImage(m_image.id()));
        QVERIFY(images()->removeButton()->isEnabled());
        QSignalSpy listed(images(), &ImagesView::listed);
        QTest::mouseClick(images()->removeButton(), Qt::LeftButton);
        QVERIFY(listed.wait(10000));
        QCOMPARE(images()->message()->tone(), MessageBanner::Tone::Warning);
        QVERIFY2(images()->message()->message().contains(QStringLiteral("is in use")),
                 qPrintable(images()->message()->message()));
        QVERIFY(imageRow(m_image.id()));
    }

    void loadingAnArchiveShowsItInTheList()
    {
        TestImage other = serverImage();
        other.tags = {QStringLiteral("localhost/loaded:1")};
        other.run.insert(QStringLiteral("Env"), QJsonArray{QStringLiteral("LOADED=1")});
        const QString path = m_dir.filePath(QStringLiteral("loaded.tar"));
        writeFile(path, imageArchive(other.dockerFiles()));
        QSignalSpy loaded(images(), &ImagesView::loaded);
        QSignalSpy listed(images(), &ImagesView::listed);
        QVERIFY(images()->loadArchive(path));
        QVERIFY(images()->isLoading());
        QVERIFY(images()->progress()->isVisible());
        QVERIFY(images()->cancelButton()->isVisible());
        QVERIFY(!images()->loadButton()->isEnabled());
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toJsonObject().value(QStringLiteral("digest")).toString(),
                 other.id());
        QTRY_VERIFY(!listed.isEmpty());
        QVERIFY(!images()->progress()->isVisible());
        QCOMPARE(images()->message()->tone(), MessageBanner::Tone::Info);
        QVERIFY(images()->message()->message().startsWith(QStringLiteral("Loaded loaded.tar")));
        QTreeWidgetItem *row = imageRow(other.id());
        QVERIFY(row);
        QCOMPARE(row->text(0), QStringLiteral("localhost/loaded:1"));
        QCOMPARE(row->text(5), QStringLiteral("unused"));
        QCOMPARE(images()->selectedDigest(), other.id());
    }

    void aHostileArchiveIsRefusedAndNothingIsKept()
    {
        TestImage bad = serverImage();
        bad.layer({TarEntry::file("../../escape", "x")});
        const QString path = m_dir.filePath(QStringLiteral("hostile.tar"));
        writeFile(path, imageArchive(bad.ociFiles()));
        const int before = images()->imageCount();
        QSignalSpy listed(images(), &ImagesView::listed);
        QVERIFY(images()->loadArchive(path));
        QTRY_VERIFY_WITH_TIMEOUT(!images()->isLoading(), 30000);
        QCOMPARE(images()->message()->tone(), MessageBanner::Tone::Error);
        QVERIFY2(images()->message()->message().startsWith(
                     QStringLiteral("hostile.tar was not loaded: ")),
                 qPrintable(images()->message()->message()));
        QVERIFY(listAndWait());
        QCOMPARE(images()->imageCount(), before);
        QVERIFY(!imageRow(bad.id()));
    }

    void cancellingStopsTheLoad()
    {
        // Not an archive: whatever the server got before the cancel, it keeps nothing.
        const QString path = m_dir.filePath(QStringLiteral("big.tar"));
        writeFile(path, QByteArray(32 * 1024 * 1024, 'x'));
        const int before = images()->imageCount();
        QVERIFY(images()->loadArchive(path));
        QTest::mouseClick(images()->cancelButton(), Qt::LeftButton);
        QVERIFY(!images()->isLoading());
        QVERIFY(!images()->progress()->isVisible());
        QVERIFY(images()->loadButton()->isEnabled());
        QCOMPARE(images()->message()->tone(), MessageBanner::Tone::Warning);
        QVERIFY(listAndWait());
        QCOMPARE(images()->imageCount(), before);
    }

    void anUnusedImageIsRemoved()
    {
        panel()->performAction(QStringLiteral("stop"));
        QTRY_COMPARE_WITH_TIMEOUT(
            panel()->instanceState(QStringLiteral("IMG"), QStringLiteral("instance-0")),
            QStringLiteral("stopped"), 20000);
        QVERIFY(listAndWait());
        QTRY_COMPARE(imageRow(m_image.id())->text(5), QStringLiteral("unused"));
        QVERIFY(images()->selectImage(m_image.id()));
        QSignalSpy listed(images(), &ImagesView::listed);
        QTest::mouseClick(images()->removeButton(), Qt::LeftButton);
        QVERIFY(listed.wait(10000));
        QCOMPARE(images()->message()->tone(), MessageBanner::Tone::Info);
        QVERIFY(images()->message()->message().startsWith(QStringLiteral("Removed ")));
        QVERIFY(!imageRow(m_image.id()));
    }
};

QTEST_MAIN(TestContainerImages)
#include "test_containerimages.moc"
