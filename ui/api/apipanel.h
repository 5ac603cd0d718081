#pragma once

#include "api/requesthistory.h"
#include "apiclient.h"
#include "panel.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QNetworkReply;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace edgedesk {

class CurlBar;
class HistoryView;
class ResponseView;

// The API section: sends a request to the router (one of the BACKEND container's routes, or any
// path, method, headers and body) and shows the answer (ResponseView): status, time, size, the
// instance that served it, headers and the pretty-printed body. "Burst" sends the same request N
// times at once and draws how the answers spread over the instances.
class ApiPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiPanel)

public:
    explicit ApiPanel(const PanelContext &context, QWidget *parent = nullptr);
    ~ApiPanel() override;

    void activated() override;
    void serverReady() override;
    void saveState() override;

    struct Request
    {
        QByteArray method;
        QString path; // path and query, starting with '/'
        ApiHeaders headers;
        QByteArray body;
    };
    // The request the inputs describe, or why they do not describe one (a malformed header line).
    Result<Request> request() const;

    void send();
    void startBurst();
    void stopBurst();
    bool isSending() const { return !m_reply.isNull(); }
    bool isBursting() const { return m_burstPending > 0; }
    const ApiResponse &lastResponse() const { return m_last; }

    // Fills the builder with a request (from the history or the Traffic section).
    void openRequest(const QByteArray &method, const QString &path, const ApiHeaders &headers,
                     const QByteArray &body);
    const RequestHistory &history() const { return m_history; }
    HistoryView *historyView() const { return m_historyView; }

    // Instance that served a response: the router's X-EdgeDesk-Instance header, else the
    // "instance" field of a JSON body.
    static QString instanceOf(const ApiResponse &response);
    // Header lines "Name: value" (blank lines ignored).
    static Result<ApiHeaders> parseHeaderLines(const QString &text);

private:
    enum Preset
    {
        Api1,
        HeavyCompute,
        ResponseHeaders,
        Custom
    };

    void buildUi();
    void restoreInputs();
    void applyPreset(int preset);
    void syncPresetFromInputs();
    void updateCurl();
    void showResponse(const ApiResponse &response);
    void remember(const Request &request, const ApiResponse &response);
    void loadHistory();
    void onBurstAnswer(const ApiResponse &response);
    void finishBurst(bool stopped);
    void setBurstButton(bool running);

    QComboBox *m_preset = nullptr;
    QComboBox *m_method = nullptr;
    QLineEdit *m_path = nullptr;
    QLabel *m_nLabel = nullptr;
    QSpinBox *m_n = nullptr;
    QPushButton *m_send = nullptr;
    QSpinBox *m_burstCount = nullptr;
    QPushButton *m_burst = nullptr;
    CurlBar *m_curl = nullptr;
    QTabWidget *m_requestTabs = nullptr;
    QPlainTextEdit *m_headersEdit = nullptr;
    QPlainTextEdit *m_bodyEdit = nullptr;

    ResponseView *m_response = nullptr;
    HistoryView *m_historyView = nullptr;
    RequestHistory m_history;

    QPointer<QNetworkReply> m_reply;
    quint64 m_sequence = 0;
    ApiResponse m_last;
    bool m_syncing = false;

    QList<QPointer<QNetworkReply>> m_burstReplies;
    quint64 m_burstSequence = 0;
    int m_burstPending = 0;
    QElapsedTimer m_burstClock;
};

} // namespace edgedesk
