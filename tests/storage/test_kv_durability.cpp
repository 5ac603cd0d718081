// A kill -9 of EdgeDesk in the middle of a stream of PUTs: every acknowledged PUT is readable
// after a restart.
#include "testsupport.h"

#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk::test;

class TestKvDurability final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acknowledgedPutsSurviveKill9()
    {
        QTemporaryDir dir;
        QStringList acknowledged;
        {
            EdgedeskProcess edgedesk(dir.path());
            QVERIFY(edgedesk.start());
            // One keep-alive connection, PUT after PUT; kill while a PUT is in flight.
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, edgedesk.port());
            QVERIFY(socket.waitForConnected(2000));
            const QByteArray host =
                "Host: 127.0.0.1:" + QByteArray::number(edgedesk.port()) + "\r\n";
            for (int i = 0; i < 400; ++i) {
                const QByteArray key = "k" + QByteArray::number(i);
                const QByteArray value = "value-" + QByteArray::number(i) + QByteArray(1000, '.');
                socket.write("PUT /__edgedesk/v1/kv/MY_KV/keys/" + key + " HTTP/1.1\r\n" + host +
                             "Content-Length: " + QByteArray::number(value.size()) + "\r\n\r\n" +
                             value);
                if (i == 250) {
                    socket.flush();
                    edgedesk.kill9(); // the 251st PUT is in flight or just answered
                    break;
                }
                QByteArray answer;
                while (!answer.contains("}") && socket.waitForReadyRead(5000))
                    answer += socket.readAll();
                QVERIFY2(answer.startsWith("HTTP/1.1 200 "), answer.constData());
                acknowledged.append(QString::fromLatin1(key));
            }
        }
        QCOMPARE(acknowledged.size(), 250);
        EdgedeskProcess restarted(dir.path());
        QVERIFY(restarted.start());
        for (const QString &key : acknowledged) {
            const HttpReply r =
                request(restarted.port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/" + key.toLatin1());
            QCOMPARE(r.status, 200);
            QVERIFY(r.body.startsWith("value-" + key.mid(1).toLatin1() + "."));
            QCOMPARE(r.body.size(), qsizetype(6 + key.size() - 1 + 1000));
        }
    }
};

QTEST_GUILESS_MAIN(TestKvDurability)
#include "test_kv_durability.moc"
