#pragma once

#include "panel.h"
#include "util/ssedecoder.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

class QLabel;
class QLineEdit;
class QNetworkReply;
class QPlainTextEdit;
class QPushButton;

namespace edgedesk {

class CurlBar;
class ProviderSetupBanner;
class ElapsedIndicator;
class MessageBanner;
class StatusBadge;

// The AI section: a prompt goes to /ai as a streaming request and the answer appears token by
// token, with the elapsed time, time to first token, token count and tokens per second. Stop
// cancels the request. Without a configured provider it says so and links to Settings.
class AiPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AiPanel)

public:
    explicit AiPanel(const PanelContext &context, QWidget *parent = nullptr);
    ~AiPanel() override;

    void activated() override;
    void serverReady() override;
    void saveState() override;

    enum class State
    {
        Idle,
        Waiting,   // sent, no token yet
        Streaming, // tokens arriving
        Done,
        Stopped,
        Failed
    };
    Q_ENUM(State)

    void generate();
    void stop();
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Waiting || m_state == State::Streaming; }
    QString answer() const { return m_answer; }
    int tokenCount() const { return m_tokens; }
    // The "ai" section of /__edgedesk/v1/config as last read.
    QJsonObject providerConfig() const { return m_config; }

    // The JSON body sent to /ai.
    static QByteArray requestBody(const QString &prompt, const QString &model);

Q_SIGNALS:
    void stateChanged(edgedesk::AiPanel::State state);
    void providerLoaded();

private:
    void buildUi();
    void refreshProvider();
    void showProvider();
    bool providerConfigured() const;
    void onReadyRead();
    void onFinished();
    void handleEvent(const QByteArray &data);
    void appendToken(const QString &text);
    void fail(int status, const QString &code, const QString &message);
    void setState(State state);
    void updateStats();
    void updateCurl();

    QPlainTextEdit *m_prompt = nullptr;
    QLineEdit *m_model = nullptr;
    QPushButton *m_generate = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_provider = nullptr;
    StatusBadge *m_status = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_firstToken = nullptr;
    QLabel *m_tokensLabel = nullptr;
    QLabel *m_rate = nullptr;
    ElapsedIndicator *m_busy = nullptr;
    MessageBanner *m_error = nullptr;
    QPlainTextEdit *m_output = nullptr;
    CurlBar *m_curl = nullptr;
    ProviderSetupBanner *m_setup = nullptr;

    QJsonObject m_config;
    bool m_configLoaded = false;
    State m_state = State::Idle;
    QPointer<QNetworkReply> m_reply;
    SseDecoder m_decoder;
    bool m_isStream = false;
    bool m_sawDone = false;
    bool m_stopping = false;
    QByteArray m_plainBody; // a non-streamed answer or an error body
    QElapsedTimer m_clock;
    qint64 m_firstTokenMs = -1;
    qint64 m_lastTokenMs = -1;
    qint64 m_endMs = -1;
    int m_tokens = 0;
    QString m_answer;
    QTimer m_tick;
};

} // namespace edgedesk
