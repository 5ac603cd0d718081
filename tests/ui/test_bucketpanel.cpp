// The Bucket section driven against a real server: upload (function and drop), rows with size
// and type, image preview through /image, download byte for byte, delete, folders, errors.
#include "bucket/bucketpanel.h"
#include "guifixture.h"
#include "storagetest.h"
#include "widgets/breadcrumbbar.h"
#include "widgets/displayformat.h"
#include "widgets/emptyhint.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

class TestBucketPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    std::unique_ptr<ApiClient> m_http;
    QTemporaryDir m_files;
    BucketPanel *m_panel = nullptr;
    QStringList m_questions;
    bool m_answer = true;
    QString m_png;
    QByteArray m_pngBytes;

    template <typename T> T *w(const QString &name) { return child<T>(m_panel, name); }
    QString objectPath(const QString &key) const
    {
        return QStringLiteral("/__edgedesk/v1/r2/PUBLIC/objects/") +
               QString::fromLatin1(QUrl::toPercentEncoding(key));
    }
    bool waitForTransfer(QSignalSpy &spy, bool expected)
    {
        if (!QTest::qWaitFor([&spy] { return !spy.isEmpty(); }, 20000))
            return false;
        return spy.takeFirst().first().toBool() == expected;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_files.isValid());
        // A 640x480 PNG with a gradient, so the preview has something to show.
        QImage image(640, 480, QImage::Format_RGB32);
        QPainter painter(&image);
        QLinearGradient gradient(0, 0, 640, 480);
        gradient.setColorAt(0, QColor(0x3b, 0x6f, 0xd8));
        gradient.setColorAt(1, QColor(0xf4, 0xa2, 0x3c));
        painter.fillRect(image.rect(), gradient);
        painter.setPen(Qt::white);
        painter.drawEllipse(QPoint(320, 240), 150, 150);
        painter.end();
        m_png = m_files.filePath(QStringLiteral("sample-640.png"));
        QVERIFY(image.save(m_png, "PNG"));
        QFile file(m_png);
        QVERIFY(file.open(QIODevice::ReadOnly));
        m_pngBytes = file.readAll();

        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        // Shortcuts (Ctrl+S, F5, Del) only fire in the active window.
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
        m_http = std::make_unique<ApiClient>();
        m_http->setBaseUrl(m_gui->host().url());
        m_panel = m_gui->panel<BucketPanel>(QStringLiteral("bucket"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("bucket")));
        QTRY_COMPARE(m_panel->bucketBinding(), QStringLiteral("PUBLIC"));
        m_panel->confirmPrompt().setHandler([this](const QString &, const QString &text) {
            m_questions.append(text);
            return m_answer;
        });
    }
    void cleanupTestCase()
    {
        m_http.reset();
        m_gui.reset();
    }
    void init()
    {
        m_questions.clear();
        m_answer = true;
    }

    void seededObjectIsListed()
    {
        // The demo's sample image is in the bucket from the first start.
        QTRY_VERIFY(m_panel->listedKeys().contains(QStringLiteral("pristine.jpg")));
        auto *objects = w<QTreeWidget>(QStringLiteral("bucketObjects"));
        QTreeWidgetItem *row = findItem(objects, QStringLiteral("pristine.jpg"));
        QVERIFY(row);
        QCOMPARE(row->text(2), QStringLiteral("image/jpeg"));
    }

    void uploadPreviewDownloadDelete()
    {
        QSignalSpy finished(m_panel, &BucketPanel::transferFinished);
        m_panel->uploadFiles({m_png});
        // The progress row shows while the upload runs.
        QVERIFY(w<QWidget>(QStringLiteral("bucketProgress"))->isVisibleTo(m_panel));
        QVERIFY(waitForTransfer(finished, true));
        const QString key = QStringLiteral("sample-640.png");
        QTRY_VERIFY(m_panel->listedKeys().contains(key));
        QVERIFY(!w<QWidget>(QStringLiteral("bucketProgress"))->isVisibleTo(m_panel));
        auto *objects = w<QTreeWidget>(QStringLiteral("bucketObjects"));
        QTreeWidgetItem *row = findItem(objects, key);
        QVERIFY(row);
        QCOMPARE(row->text(1), DisplayFormat::bytes(m_pngBytes.size()));
        QCOMPARE(row->text(2), QStringLiteral("image/png"));
        QVERIFY(!row->text(3).isEmpty());
        QVERIFY(w<QLabel>(QStringLiteral("bucketStatus"))
                    ->text()
                    .startsWith(QStringLiteral("Uploaded sample-640.png")));

        // What the server stored: the bytes and the type from QMimeDatabase.
        const ApiResponse stored = http(*m_http, "GET", objectPath(key));
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.body, m_pngBytes);
        QCOMPARE(stored.header("Content-Type"), QByteArray("image/png"));

        // The uploaded object is selected and previewed through /image at 480x360.
        QTRY_COMPARE(m_panel->previewedKey(), key);
        QTRY_COMPARE(m_panel->previewImageSize(), QSize(480, 360));
        auto *info = w<QLabel>(QStringLiteral("bucketPreviewInfo"));
        QTRY_VERIFY2(info->text().startsWith(QStringLiteral("640 × 480 px · image/png · ")),
                     qPrintable(info->text()));
        QVERIFY(info->text().endsWith(DisplayFormat::bytes(m_pngBytes.size())));
        QVERIFY(!w<QLabel>(QStringLiteral("bucketPreview"))->pixmap().isNull());
        m_gui->screenshot(QStringLiteral("bucket-panel"));

        // Download equals the original bytes.
        const QString out = m_files.filePath(QStringLiteral("downloaded.png"));
        m_panel->downloadTo(key, out);
        QVERIFY(waitForTransfer(finished, true));
        QFile downloaded(out);
        QVERIFY(downloaded.open(QIODevice::ReadOnly));
        QCOMPARE(downloaded.readAll(), m_pngBytes);

        // Uploading the same name again asks before replacing; "no" uploads nothing.
        m_answer = false;
        m_panel->uploadFiles({m_png});
        QCOMPARE(m_questions.size(), 1);
        QVERIFY(m_questions.first().contains(key));
        QVERIFY(!m_panel->isTransferring());

        // Delete asks, then removes the object.
        m_answer = true;
        m_panel->selectKey(key);
        QTest::mouseClick(w<QPushButton>(QStringLiteral("bucketDelete")), Qt::LeftButton);
        QCOMPARE(m_questions.size(), 2);
        QVERIFY(m_questions.last().contains(key));
        QVERIFY(waitForTransfer(finished, true));
        QTRY_VERIFY(!m_panel->listedKeys().contains(key));
        QCOMPARE(http(*m_http, "GET", objectPath(key)).status, 404);
    }

    void dropIntoFolder()
    {
        // A folder that does not exist yet: the empty state invites a drop.
        m_panel->openPrefix(QStringLiteral("photos/2024/"));
        auto *empty = w<EmptyHint>(QStringLiteral("bucketListEmpty"));
        QTRY_VERIFY(empty->isVisible());
        QCOMPARE(empty->title(), QStringLiteral("Nothing in photos/2024/"));
        m_gui->screenshot(QStringLiteral("bucket-panel-empty-folder"));
        QCOMPARE(
            w<BreadcrumbBar>(QStringLiteral("bucketCrumbs"))->crumbPrefixes(),
            QStringList({QString(), QStringLiteral("photos/"), QStringLiteral("photos/2024/")}));

        const QString dropped = m_files.filePath(QStringLiteral("dropped.png"));
        QVERIFY(QFile::copy(m_png, dropped));
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(dropped)});
        QSignalSpy finished(m_panel, &BucketPanel::transferFinished);
        QDragEnterEvent enter(QPoint(40, 40), Qt::CopyAction, &data, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(m_panel, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(40, 40), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_panel, &drop);
        QVERIFY(drop.isAccepted());
        QVERIFY(waitForTransfer(finished, true));
        const QString key = QStringLiteral("photos/2024/dropped.png");
        QTRY_VERIFY(m_panel->listedKeys().contains(key));
        QCOMPARE(http(*m_http, "GET", objectPath(key)).body, m_pngBytes);
        QTreeWidgetItem *row = findItem(w<QTreeWidget>(QStringLiteral("bucketObjects")),
                                        QStringLiteral("dropped.png"));
        QVERIFY(row);
        QCOMPARE(row->text(2), QStringLiteral("image/png"));
        QTRY_COMPARE(m_panel->previewImageSize(), QSize(480, 360));

        // Up through the breadcrumb: "photos/" is a folder row; opening it with Enter.
        auto *root = m_panel->findChild<QToolButton *>(QStringLiteral("crumb:"));
        QVERIFY(root);
        QTest::mouseClick(root, Qt::LeftButton);
        QTRY_VERIFY(m_panel->listedFolders().contains(QStringLiteral("photos/")));
        QCOMPARE(m_panel->currentPrefix(), QString());
        auto *objects = w<QTreeWidget>(QStringLiteral("bucketObjects"));
        QTreeWidgetItem *folder = findItem(objects, QStringLiteral("photos/"));
        QVERIFY(folder);
        QCOMPARE(objects->indexOfTopLevelItem(folder), 0); // folders first
        clickItem(objects, folder);
        QTest::keyClick(objects, Qt::Key_Return);
        QTRY_COMPARE(m_panel->currentPrefix(), QStringLiteral("photos/"));
        QTRY_VERIFY(m_panel->listedFolders().contains(QStringLiteral("photos/2024/")));
        // The folder shown survives a restart.
        m_panel->saveState();
        {
            BucketPanel restored(m_panel->context(), nullptr);
            QCOMPARE(restored.currentPrefix(), QStringLiteral("photos/"));
        }
        QTest::keyClick(objects, Qt::Key_Backspace);
        QTRY_COMPARE(m_panel->currentPrefix(), QString());

        QCOMPARE(http(*m_http, "DELETE", objectPath(key)).status, 200);
        QTest::keyClick(m_panel, Qt::Key_F5);
        QTRY_VERIFY(!m_panel->listedFolders().contains(QStringLiteral("photos/")));
    }

    void cancelledUploadStoresNothing()
    {
        const QString big = m_files.filePath(QStringLiteral("big.bin"));
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.write(QByteArray(8 * 1024 * 1024, 'x')) == 8 * 1024 * 1024);
        file.close();
        QSignalSpy finished(m_panel, &BucketPanel::transferFinished);
        m_panel->uploadFiles({big});
        QVERIFY(m_panel->isTransferring());
        QTest::mouseClick(w<QPushButton>(QStringLiteral("bucketCancel")), Qt::LeftButton);
        QVERIFY(waitForTransfer(finished, false));
        QVERIFY(!m_panel->isTransferring());
        QVERIFY(w<QLabel>(QStringLiteral("bucketStatus"))
                    ->text()
                    .startsWith(QStringLiteral("Upload cancelled")));
        QCOMPARE(http(*m_http, "GET", objectPath(QStringLiteral("big.bin"))).status, 404);
    }

    void downloadErrorShowsServerMessage()
    {
        QSignalSpy finished(m_panel, &BucketPanel::transferFinished);
        const QString out = m_files.filePath(QStringLiteral("missing.bin"));
        m_panel->downloadTo(QStringLiteral("no-such-object.bin"), out);
        QVERIFY(waitForTransfer(finished, false));
        QCOMPARE(w<QLabel>(QStringLiteral("bucketStatus"))->text(),
                 QStringLiteral("Download failed: 404 — no object named 'no-such-object.bin'"));
        QVERIFY(!QFile::exists(out)); // nothing half-written
    }

    void nonImageHasNoPreview()
    {
        QCOMPARE(http(*m_http, "PUT", objectPath(QStringLiteral("notes.txt")), "hello",
                      {{"Content-Type", "text/plain"}})
                     .status,
                 200);
        m_panel->openPrefix(QString());
        m_panel->refresh();
        QTRY_VERIFY(m_panel->listedKeys().contains(QStringLiteral("notes.txt")));
        m_panel->selectKey(QStringLiteral("notes.txt"));
        QTRY_COMPARE(m_panel->previewedKey(), QStringLiteral("notes.txt"));
        QCOMPARE(w<QLabel>(QStringLiteral("bucketPreview"))->text(),
                 QStringLiteral("No preview for text/plain.\nDownload it (Ctrl+S) to open it."));
        QVERIFY(m_panel->previewImageSize().isEmpty());
    }
};

QTEST_MAIN(TestBucketPanel)
#include "test_bucketpanel.moc"
