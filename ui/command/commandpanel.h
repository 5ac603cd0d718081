#pragma once

#include "apiclient.h"
#include "panel.h"

#include <QJsonObject>
#include <QPointer>

class QLabel;
class QNetworkReply;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace edgedesk {

class CurlBar;
class ElapsedIndicator;
class HistoryLineEdit;
class MessageBanner;
class StatusBadge;

// The Linux command section: a terminal-like view over POST /run. A command line with history
// (Up/Down, kept between runs), the transcript in a monospace view with stderr in another
// colour, and for each run its exit code, duration and the "timed out"/"truncated" flags. The
// sandbox's mode (network, containment) comes from GET /run.
class CommandPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandPanel)

public:
    explicit CommandPanel(const PanelContext &context, QWidget *parent = nullptr);
    ~CommandPanel() override;

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // One finished run as the panel shows it.
    struct Outcome
    {
        QString command;
        int httpStatus = 0;
        QString output; // stdout
        QString error;  // stderr (and the runner's notes)
        int exitCode = 0;
        bool hasExitCode = false;
        bool timedOut = false;
        bool truncated = false;
        bool stopped = false;
        qint64 elapsedMs = 0;
        QString failure; // no run answer: the server's message
    };
    static Outcome outcomeFrom(const QString &command, const ApiResponse &response);

    void run(const QString &command);
    // The body POSTed to /run; the time limit is left out when it is the runner's default (30 s).
    static QByteArray requestBody(const QString &command, int timeLimitSeconds);
    void runInput();
    void stop();
    bool isRunning() const { return !m_reply.isNull(); }
    const Outcome &lastOutcome() const { return m_last; }
    QString transcript() const;
    void clearTranscript();
    QJsonObject health() const { return m_health; }

Q_SIGNALS:
    void finished();
    void healthLoaded();

private:
    void buildUi();
    void refreshHealth();
    void showOutcome(const Outcome &outcome);
    void appendText(const QString &text, const QString &role);
    void appendStream(const QString &text, const QString &role);
    void updateCurl(const QString &command);
    void persistHistory();

    HistoryLineEdit *m_input = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_stop = nullptr;
    QToolButton *m_clear = nullptr;
    QSpinBox *m_timeLimit = nullptr;
    QPlainTextEdit *m_terminal = nullptr;
    StatusBadge *m_exit = nullptr;
    QLabel *m_duration = nullptr;
    StatusBadge *m_timedOut = nullptr;
    StatusBadge *m_truncated = nullptr;
    ElapsedIndicator *m_busy = nullptr;
    StatusBadge *m_sandbox = nullptr;
    StatusBadge *m_network = nullptr;
    QLabel *m_containment = nullptr;
    MessageBanner *m_error = nullptr;
    CurlBar *m_curl = nullptr;

    QPointer<QNetworkReply> m_reply;
    quint64 m_sequence = 0;
    QString m_running;
    Outcome m_last;
    QJsonObject m_health;
};

} // namespace edgedesk
