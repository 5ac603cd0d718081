// The Image section against a real server: the bucket's images as thumbnails, transforms shown
// side by side with dimensions, bytes, cache state and time, server errors, uploads by drag and
// drop, saving the result, "Copy as curl" run for real, and inputs kept across a restart.
#include "image/imagepanel.h"
#include "sectiontest.h"
#include "widgets/curlbar.h"
#include "widgets/imagepreview.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"

#include <QBuffer>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

class TestImagePanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    ImagePanel *m_panel = nullptr;
    QTemporaryDir m_files;
    QSize m_pristineSize;

    template <typename T> T *child(const char *name)
    {
        T *widget = m_panel->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no widget %s", name);
        return widget;
    }

    // Sets the controls and presses Transform; true once the result (or its error) is shown.
    bool transformWith(int width, int height, const QString &fit, const QString &format)
    {
        child<QSpinBox>("imageWidth")->setValue(width);
        child<QSpinBox>("imageHeight")->setValue(height);
        child<QComboBox>("imageFit")->setCurrentText(fit);
        auto *formats = child<QComboBox>("imageFormat");
        formats->setCurrentIndex(formats->findData(format));
        QSignalSpy shown(m_panel, &ImagePanel::resultShown);
        QTest::mouseClick(child<QPushButton>("imageTransform"), Qt::LeftButton);
        return shown.wait(30000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
        QVERIFY(m_files.isValid());
        QImageReader pristine(sourceDir() + QStringLiteral("/resources/sample/pristine.jpg"));
        m_pristineSize = pristine.size();
        QVERIFY(m_pristineSize.width() > 300 && m_pristineSize.height() > 200);

        m_gui = std::make_unique<GuiFixture>(sectionServerOptions());
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        m_panel = m_gui->panel<ImagePanel>(QStringLiteral("image"));
        QVERIFY(m_panel);
        QSignalSpy loaded(m_panel, &ImagePanel::objectsLoaded);
        QVERIFY(m_gui->show(QStringLiteral("image")));
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 20000);
    }
    void cleanupTestCase()
    {
        m_panel = nullptr;
        m_gui.reset();
    }

    void listsTheBucketsImagesWithThumbnails()
    {
        auto *list = child<QListWidget>("imageObjects");
        QCOMPARE(list->count(), 1);
        QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QStringLiteral("pristine.jpg"));
        QCOMPARE(child<QLabel>("imageListInfo")->text(), QStringLiteral("Bucket PUBLIC · 1 image"));
        QCOMPARE(m_panel->currentKey(), QStringLiteral("pristine.jpg"));
        // The placeholder is one flat colour; the thumbnail is the photo.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QImage icon = list->item(0)->icon().pixmap(96, 96).toImage();
                return icon.pixelColor(10, 10) != icon.pixelColor(80, 80);
            }(),
            20000);
    }

    void coverGivesTheExactBoxAndTheSecondTimeIsACacheHit()
    {
        QVERIFY(transformWith(300, 200, QStringLiteral("cover"), QStringLiteral("png")));
        QCOMPARE(child<StatusBadge>("imageStatus")->text(), QStringLiteral("200 OK"));
        QCOMPARE(m_panel->resultSize(), QSize(300, 200));
        QCOMPARE(child<ImagePreview>("imageResult")->image().size(), QSize(300, 200));
        QVERIFY(child<QLabel>("imageResultInfo")->text().startsWith(QStringLiteral("300×200 · ")));
        QVERIFY(child<QLabel>("imageResultInfo")->text().endsWith(QStringLiteral("image/png")));
        QVERIFY(m_panel->resultBytes().startsWith("\x89PNG"));
        QTRY_COMPARE(m_panel->originalSize(), m_pristineSize);
        QVERIFY(child<QLabel>("imageOriginalInfo")
                    ->text()
                    .startsWith(QStringLiteral("%1×%2 · ")
                                    .arg(m_pristineSize.width())
                                    .arg(m_pristineSize.height())));
        QVERIFY(child<QLabel>("imageTransformTime")->text().endsWith(QStringLiteral("ms")));

        QVERIFY(transformWith(300, 200, QStringLiteral("cover"), QStringLiteral("png")));
        QCOMPARE(m_panel->resultCache(), QStringLiteral("hit"));
        QCOMPARE(child<QLabel>("imageCache")->text(), QStringLiteral("hit"));
        // Nothing was transformed for a hit: the stored time is labelled as the first request's.
        QVERIFY2(child<QLabel>("imageTransformTime")->text().startsWith(QStringLiteral("none (cached")),
                 qPrintable(child<QLabel>("imageTransformTime")->text()));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("image-panel"))).isEmpty());
    }

    void scaleDownKeepsTheAspectRatio()
    {
        QVERIFY(transformWith(300, 300, QStringLiteral("scale-down"), QStringLiteral("webp")));
        const QSize expected = m_pristineSize.scaled(300, 300, Qt::KeepAspectRatio);
        QVERIFY2(qAbs(m_panel->resultSize().width() - expected.width()) <= 1 &&
                     qAbs(m_panel->resultSize().height() - expected.height()) <= 1,
                 qPrintable(QStringLiteral("%1x%2")
                                .arg(m_panel->resultSize().width())
                                .arg(m_panel->resultSize().height())));
        QVERIFY(child<QLabel>("imageResultInfo")->text().endsWith(QStringLiteral("image/webp")));
    }

    void avifDimensionsComeFromTheServerWhenQtCannotDecode()
    {
        QVERIFY(transformWith(240, 160, QStringLiteral("cover"), QStringLiteral("avif")));
        const QString status = child<StatusBadge>("imageStatus")->text();
        if (status != QLatin1String("200 OK")) {
            // This ImageMagick cannot write AVIF: the server's message is what the user sees.
            QVERIFY(child<MessageBanner>("imageError")->isVisible());
            QVERIFY(!child<MessageBanner>("imageError")->message().isEmpty());
            QSKIP("the server cannot encode AVIF here");
        }
        QCOMPARE(m_panel->resultSize(), QSize(240, 160));
        QVERIFY(child<QLabel>("imageResultInfo")->text().startsWith(QStringLiteral("240×160")));
    }

    void missingObjectShowsTheServersMessage()
    {
        QSignalSpy shown(m_panel, &ImagePanel::resultShown);
        m_panel->selectObject(QStringLiteral("missing.jpg"));
        QVERIFY(shown.wait(20000));
        const HttpReply direct = request(m_gui->port(), "GET", m_panel->transformPath().toUtf8());
        QCOMPARE(direct.status, 404);
        const QString message = direct.json()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        QVERIFY(!message.isEmpty());
        QCOMPARE(child<StatusBadge>("imageStatus")->text(), QStringLiteral("404 Not Found"));
        QCOMPARE(child<MessageBanner>("imageError")->message(),
                 QStringLiteral("404 — %1").arg(message));
        QVERIFY(!child<QPushButton>("imageSave")->isEnabled());
        QVERIFY(child<ImagePreview>("imageResult")->image().isNull());
        m_panel->selectObject(QStringLiteral("pristine.jpg"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->resultBytes().isEmpty(), 20000);
    }

    void cancelledUploadStoresNothing()
    {
        // A 9 MB image: the cancel comes before the event loop sends any of it.
        QImage picture(2000, 1500, QImage::Format_RGB888);
        picture.fill(QColor(0x40, 0x80, 0xc0));
        const QString bmp = m_files.filePath(QStringLiteral("cancelled.bmp"));
        QVERIFY(picture.save(bmp, "BMP"));
        QSignalSpy finished(m_panel, &ImagePanel::uploadsFinished);
        m_panel->uploadFiles({bmp});
        QVERIFY(m_panel->isUploading());
        QVERIFY(child<QProgressBar>("imageUploadProgress")->isVisibleTo(m_panel));
        QTest::mouseClick(child<QToolButton>("imageUploadCancel"), Qt::LeftButton);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        QCOMPARE(finished.first().at(1).toInt(), 0);
        QVERIFY(!m_panel->isUploading());
        QVERIFY(!child<QProgressBar>("imageUploadProgress")->isVisibleTo(m_panel));
        QCOMPARE(child<MessageBanner>("imageUploadNotice")->message(),
                 QStringLiteral("Uploaded 0 of 1 images to PUBLIC. Uploads cancelled."));
        QCOMPARE(
            request(m_gui->port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/cancelled.bmp").status,
            404);
        QCOMPARE(child<QListWidget>("imageObjects")->count(), 1);
    }

    void droppedImagesAreUploaded()
    {
        QImage picture(64, 48, QImage::Format_RGB32);
        picture.fill(QColor(0x22, 0x88, 0xcc));
        const QString png = m_files.filePath(QStringLiteral("drop-test.png"));
        QVERIFY(picture.save(png, "PNG"));
        const QString text = m_files.filePath(QStringLiteral("notes.txt"));
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("not an image\n");
        }
        QFile pngFile(png);
        QVERIFY(pngFile.open(QIODevice::ReadOnly));
        const QByteArray pngBytes = pngFile.readAll();

        child<QComboBox>("imageFit")->setCurrentText(QStringLiteral("scale-down"));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(png), QUrl::fromLocalFile(text)});
        const QPoint at = m_panel->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_panel, &enter);
        QVERIFY(enter.isAccepted());
        QVERIFY(child<QLabel>("imageDropHint")->isVisible());
        QSignalSpy finished(m_panel, &ImagePanel::uploadsFinished);
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_panel, &drop);
        QVERIFY(!child<QLabel>("imageDropHint")->isVisible());
        QVERIFY(child<QProgressBar>("imageUploadProgress")->isVisible());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toInt(), 1);
        QCOMPARE(finished.first().at(1).toInt(), 0);
        auto *notice = child<MessageBanner>("imageUploadNotice");
        QCOMPARE(notice->message(), QStringLiteral("Uploaded drop-test.png to PUBLIC. Not images, "
                                                   "so not uploaded: notes.txt."));

        const HttpReply stored =
            request(m_gui->port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/drop-test.png");
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.body, pngBytes);
        QCOMPARE(stored.header("content-type"), QByteArray("image/png"));
        const HttpReply notes =
            request(m_gui->port(), "GET", "/__edgedesk/v1/r2/PUBLIC/objects/notes.txt");
        QCOMPARE(notes.status, 404);

        // The list reloads with the new image selected and transformed: scale-down never enlarges.
        auto *list = child<QListWidget>("imageObjects");
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->currentKey(), QStringLiteral("drop-test.png"), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->resultSize(), QSize(64, 48), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->originalSize(), QSize(64, 48), 20000);
    }

    void savedResultHoldsTheBytesShown()
    {
        m_panel->selectObject(QStringLiteral("pristine.jpg"));
        QVERIFY(transformWith(320, 180, QStringLiteral("crop"), QStringLiteral("jpeg")));
        QCOMPARE(m_panel->resultSize(), QSize(320, 180));
        const QString path = m_files.filePath(QStringLiteral("saved.jpg"));
        const Status saved = m_panel->saveResultTo(path);
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_panel->resultBytes());
        QCOMPARE(QImageReader(path).size(), QSize(320, 180));
        QVERIFY(!m_panel->saveResultTo(m_files.filePath(QStringLiteral("no/such/dir/x.jpg"))).ok());
    }

    void copyAsCurlFetchesTheSameImage()
    {
        auto *curl = child<CurlBar>("imageCurl");
        QVERIFY2(curl->command().contains(
                     QStringLiteral("/image?key=pristine.jpg&width=320&height=180&fit=crop&"
                                    "format=jpeg&quality=")),
                 qPrintable(curl->command()));
        QVERIFY(curl->command().endsWith(QStringLiteral(" -o result.jpg")));
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("curl is not installed: the copied command was not run");
        QProcess shell;
        shell.setWorkingDirectory(m_files.path());
        shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), curl->command()});
        QVERIFY(shell.waitForFinished(20000));
        QCOMPARE(shell.exitCode(), 0);
        QFile file(m_files.filePath(QStringLiteral("result.jpg")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), m_panel->resultBytes());
    }

    void inputsSurviveARestart()
    {
        child<QSpinBox>("imageWidth")->setValue(123);
        child<QSpinBox>("imageHeight")->setValue(0);
        child<QComboBox>("imageGravity")->setCurrentText(QStringLiteral("left"));
        m_panel->saveState();
        ImagePanel restored(m_panel->context(), nullptr);
        QCOMPARE(restored.findChild<QSpinBox *>(QStringLiteral("imageWidth"))->value(), 123);
        QCOMPARE(restored.findChild<QSpinBox *>(QStringLiteral("imageHeight"))->text(),
                 QStringLiteral("auto"));
        QCOMPARE(restored.findChild<QComboBox *>(QStringLiteral("imageGravity"))->currentText(),
                 QStringLiteral("left"));
        QCOMPARE(restored.findChild<QComboBox *>(QStringLiteral("imageFormat"))->currentData(),
                 QVariant(QStringLiteral("jpeg")));
        QCOMPARE(restored.currentKey(), m_panel->currentKey());
        QVERIFY(!restored.transformPath().contains(QStringLiteral("height=")));
        QVERIFY(restored.transformPath().contains(QStringLiteral("gravity=left")));
    }
};

QTEST_MAIN(TestImagePanel)
#include "test_imagepanel.moc"
