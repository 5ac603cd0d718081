// edgedesk --export-state / --import-state with real processes: the round trip the issue asks
// for (fill over HTTP, stop, export, wipe, import, start, read back over HTTP), with and without
// the secrets key, the refusal while a server runs, and hostile archives changing nothing.
#include "archivetestutil.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

ProcessResult runEdgedesk(const QStringList &args)
{
    return run(program(QStringLiteral("edgedesk")), args, 120000);
}

bool wipe(const QString &dir)
{
    return QDir(dir).removeRecursively() && QDir().mkpath(dir);
}

} // namespace

class TestStateCli final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    StateFixture m_state = StateFixture::make();

    // A data folder filled through a real server, which is then stopped.
    QString filledFolder(const QString &name)
    {
        const QString data = m_root.filePath(name);
        if (!writeDurable(data, m_state).isEmpty())
            return QString();
        EdgedeskProcess server(data);
        if (!server.start())
            return QString();
        if (const QString error = fillOverHttp(server.port(), m_state); !error.isEmpty()) {
            qWarning() << error;
            return QString();
        }
        if (!server.terminate())
            return QString();
        return data;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        QVERIFY2(QFileInfo(program(QStringLiteral("edgedesk"))).isExecutable(),
                 qPrintable(program(QStringLiteral("edgedesk"))));
    }

    void roundTripWithTheKey()
    {
        const QString data = filledFolder(QStringLiteral("with-key"));
        QVERIFY(!data.isEmpty());
        const QString archive = m_root.filePath(QStringLiteral("with-key.zip"));
        const ProcessResult exported =
            runEdgedesk({QStringLiteral("--export-state"), archive, QStringLiteral("--persist-to"),
                         data, QStringLiteral("--include-secret-key")});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QVERIFY2(exported.out.contains("Exported the state of"), exported.out.constData());
        QVERIFY(exported.out.contains("4 KV pairs in 1 namespace"));
        QVERIFY(exported.out.contains("2 secrets (key included)"));
        QVERIFY(exported.out.contains("Keep it safe"));

        QVERIFY(wipe(data));
        const ProcessResult imported = runEdgedesk(
            {QStringLiteral("--import-state"), archive, QStringLiteral("--persist-to"), data});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        QVERIFY2(imported.out.contains("Imported"), imported.out.constData());
        QVERIFY(!imported.out.contains("Note:"));

        EdgedeskProcess server(data);
        QVERIFY2(server.start(), server.output().constData());
        const QString mismatch = checkOverHttp(server.port(), m_state);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        QVERIFY(server.terminate());
        const QString onDisk = checkOnDisk(data, m_state);
        QVERIFY2(onDisk.isEmpty(), qPrintable(onDisk));
    }

    void roundTripWithoutTheKey()
    {
        const QString data = filledFolder(QStringLiteral("without-key"));
        QVERIFY(!data.isEmpty());
        const QString archive = m_root.filePath(QStringLiteral("without-key.zip"));
        const ProcessResult exported = runEdgedesk(
            {QStringLiteral("--export-state"), archive, QStringLiteral("--persist-to"), data});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QVERIFY(exported.out.contains("2 secrets (key not included)"));
        QFile keyFile(data + QStringLiteral("/secrets/secrets.key"));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QByteArray key = keyFile.readAll();
        keyFile.close();

        // Imported over the folder that still has its key: the store opens with it.
        ProcessResult imported = runEdgedesk(
            {QStringLiteral("--import-state"), archive, QStringLiteral("--persist-to"), data});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        QVERIFY(!imported.out.contains("Note:"));
        {
            EdgedeskProcess server(data);
            QVERIFY2(server.start(), server.output().constData());
            const QString mismatch = checkOverHttp(server.port(), m_state);
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        }

        // Imported into a wiped folder: everything but the secrets works, and both the import
        // and the server say the key is needed.
        QVERIFY(wipe(data));
        imported = runEdgedesk(
            {QStringLiteral("--import-state"), archive, QStringLiteral("--persist-to"), data});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        QVERIFY2(imported.out.contains("Note: The secrets store (2 secrets) was restored without "
                                       "its key"),
                 imported.out.constData());
        {
            EdgedeskProcess server(data);
            QVERIFY2(server.start(), server.output().constData());
            QCOMPARE(request(server.port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/alpha").body,
                     QByteArray("one"));
            const HttpReply secrets = request(server.port(), "GET", "/__edgedesk/v1/secrets");
            QCOMPARE(secrets.status, 500);
            QVERIFY2(secrets.body.contains("secrets.key is missing"), secrets.body.constData());
        }
        // With the original key file back in place, the secrets are there.
        QFile restored(data + QStringLiteral("/secrets/secrets.key"));
        QVERIFY(restored.open(QIODevice::WriteOnly));
        restored.write(key);
        restored.close();
        QVERIFY(restored.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        EdgedeskProcess server(data);
        QVERIFY2(server.start(), server.output().constData());
        const QString mismatch = checkOverHttp(server.port(), m_state);
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    }

    void importIsRefusedWhileServing()
    {
        const QString data = m_root.filePath(QStringLiteral("serving"));
        EdgedeskProcess server(data);
        QVERIFY2(server.start(), server.output().constData());
        // Export works while serving; import does not.
        const QString archive = m_root.filePath(QStringLiteral("serving.zip"));
        const ProcessResult exported = runEdgedesk(
            {QStringLiteral("--export-state"), archive, QStringLiteral("--data-dir"), data});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        const ProcessResult imported = runEdgedesk(
            {QStringLiteral("--import-state"), archive, QStringLiteral("--data-dir"), data});
        QCOMPARE(imported.exitCode, 3);
        QVERIFY2(imported.err.contains("is in use by a running EdgeDesk"),
                 imported.err.constData());
        QVERIFY(imported.err.contains("nothing was changed"));
        QCOMPARE(request(server.port(), "GET", "/kv").status, 200);
        QVERIFY(server.terminate());
        // Stopped: now it goes through.
        QCOMPARE(runEdgedesk({QStringLiteral("--import-state"), archive,
                              QStringLiteral("--data-dir"), data})
                     .exitCode,
                 0);
    }

    void hostileArchivesChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("zip");
        QTest::addColumn<QString>("mentions");
        for (const HostileArchive &h : hostileArchives()) {
            if (!h.foundWhenRead)
                QTest::addRow("%s", qPrintable(h.tag)) << h.bytes << h.mentions;
        }
        // A real state archive with one damaged byte in an object.
        const QString data = filledFolder(QStringLiteral("damage-source"));
        const QString archive = m_root.filePath(QStringLiteral("damage-source.zip"));
        runEdgedesk(
            {QStringLiteral("--export-state"), archive, QStringLiteral("--persist-to"), data});
        QList<ZipItem> items = readZip(archive);
        for (ZipItem &item : items) {
            if (item.name.startsWith(QStringLiteral("r2/")) && item.data.size() > 100000) {
                QByteArray zip = writeZip(items);
                const qsizetype at = zip.indexOf(item.name.toUtf8()) + item.name.size() + 5000;
                zip[at] = char(zip[at] ^ 1);
                QTest::addRow("damaged object") << zip << QStringLiteral("'%1'").arg(item.name);
                break;
            }
        }
    }
    void hostileArchivesChangeNothing()
    {
        QFETCH(QByteArray, zip);
        QFETCH(QString, mentions);
        const QString data = m_root.filePath(QStringLiteral("target"));
        if (!QFileInfo::exists(data))
            QVERIFY(!filledFolder(QStringLiteral("target")).isEmpty());
        const QString archive = m_root.filePath(QStringLiteral("hostile.zip"));
        writeFile(archive, zip);
        const QStringList before = folderListing(data);
        const ProcessResult imported = runEdgedesk(
            {QStringLiteral("--import-state"), archive, QStringLiteral("--persist-to"), data});
        QCOMPARE(imported.exitCode, 1);
        QVERIFY2(imported.err.contains(mentions.toUtf8()), imported.err.constData());
        QVERIFY(imported.err.contains("nothing was changed"));
        QVERIFY(imported.out.isEmpty());
        QCOMPARE(folderListing(data), before);
        QCOMPARE(QDir(m_root.path())
                     .entryList(
                         {QStringLiteral(".target.importing-*"), QStringLiteral("target.previous")},
                         QDir::AllEntries | QDir::Hidden),
                 QStringList());
    }

    void usage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::addRow("key alone") << QStringList{QStringLiteral("--include-secret-key")}
                                   << QByteArray("--include-secret-key goes with --export-state");
        QTest::addRow("both") << QStringList{QStringLiteral("--export-state"), QStringLiteral("a"),
                                             QStringLiteral("--import-state"), QStringLiteral("b")}
                              << QByteArray("cannot be combined");
        QTest::addRow("empty name")
            << QStringList{QStringLiteral("--export-state=")} << QByteArray("need a file name");
    }
    void usage()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const ProcessResult r = runEdgedesk(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void missingArchive()
    {
        const ProcessResult r = runEdgedesk(
            {QStringLiteral("--import-state"), m_root.filePath(QStringLiteral("nope.zip")),
             QStringLiteral("--persist-to"), m_root.filePath(QStringLiteral("nope"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("there is no archive at"));
        QVERIFY(!QFileInfo::exists(m_root.filePath(QStringLiteral("nope"))));
    }
};

QTEST_GUILESS_MAIN(TestStateCli)
#include "test_statecli.moc"
