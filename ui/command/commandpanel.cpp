#include "command/commandpanel.h"

#include "appsettings.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/historylineedit.h"
#include "widgets/labels.h"
#include "widgets/messagebanner.h"
#include "widgets/sectionheading.h"
#include "widgets/statusbadge.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("command");
constexpr int kTimeoutExitCode = 124; // what the runner (like timeout(1)) reports
constexpr int kHistoryEntries = 100;
constexpr qsizetype kDisplayChars = 64 * 1024; // per stream and run
constexpr int kDefaultTimeLimit = 30;          // the runner's default and maximum

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace

CommandPanel::CommandPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("command"), tr("Linux command"), QStringLiteral("terminal"), context,
            parent)
{
    buildUi();
    m_input->setHistory(
        context.settings->panelValue(kPanel, QStringLiteral("history")).toStringList());
    m_input->setText(context.settings->panelValue(kPanel, QStringLiteral("input")).toString());
    m_timeLimit->setValue(
        context.settings->panelValue(kPanel, QStringLiteral("timeLimit"), kDefaultTimeLimit)
            .toInt());
    updateCurl(m_input->text());
}

CommandPanel::~CommandPanel()
{
    if (m_reply)
        m_reply->abort();
}

void CommandPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *heading = new SectionHeading(
        tr("Linux command"),
        tr("Runs a shell command in a fresh sandbox of the <b>LINUX_COMMAND</b> container class "
           "through <code>POST /run</code>: read-only system, private <code>/tmp</code>, 30 s "
           "limit."),
        this);
    m_sandbox = new StatusBadge(heading);
    m_sandbox->setObjectName(QStringLiteral("cmdSandbox"));
    m_network = new StatusBadge(heading);
    m_network->setObjectName(QStringLiteral("cmdNetwork"));
    heading->addTrailingWidget(m_sandbox);
    heading->addTrailingWidget(m_network);
    layout->addWidget(heading);
    m_containment = makeMutedLabel(QString(), this);
    m_containment->setObjectName(QStringLiteral("cmdContainment"));
    m_containment->setWordWrap(true);
    m_containment->hide();
    layout->addWidget(m_containment);

    m_error = new MessageBanner(this);
    m_error->setObjectName(QStringLiteral("cmdError"));
    layout->addWidget(m_error);

    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_exit = new StatusBadge(this);
    m_exit->setObjectName(QStringLiteral("cmdExit"));
    summary->addWidget(m_exit);
    summary->addSpacing(6);
    summary->addWidget(makeMutedLabel(tr("Duration"), this));
    m_duration = new QLabel(QStringLiteral("—"), this);
    m_duration->setObjectName(QStringLiteral("cmdDuration"));
    summary->addWidget(m_duration);
    m_timedOut = new StatusBadge(this);
    m_timedOut->setObjectName(QStringLiteral("cmdTimedOut"));
    m_truncated = new StatusBadge(this);
    m_truncated->setObjectName(QStringLiteral("cmdTruncated"));
    summary->addSpacing(6);
    summary->addWidget(m_timedOut);
    summary->addWidget(m_truncated);
    summary->addSpacing(6);
    m_busy = new ElapsedIndicator(this);
    m_busy->setObjectName(QStringLiteral("cmdBusy"));
    summary->addWidget(m_busy);
    summary->addStretch(1);
    m_clear = new QToolButton(this);
    m_clear->setObjectName(QStringLiteral("cmdClear"));
    m_clear->setIcon(Panel::themedIcon(QStringLiteral("trash")));
    m_clear->setText(tr("Clear"));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear->setToolTip(tr("Clear the transcript (Ctrl+L)"));
    m_clear->setAutoRaise(true);
    summary->addWidget(m_clear);
    layout->addLayout(summary);

    m_terminal = new QPlainTextEdit(this);
    m_terminal->setObjectName(QStringLiteral("cmdTerminal"));
    m_terminal->setReadOnly(true);
    m_terminal->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_terminal->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_terminal->setMaximumBlockCount(20000);
    m_terminal->setPlaceholderText(
        tr("Type a command below and press Enter, e.g. uname -a, ls -la /, id or ps aux.\n\n"
           "Each command runs in its own sandbox; standard output shows here, standard error "
           "in red, then the exit code and the time it took. Up and Down recall earlier "
           "commands."));
    layout->addWidget(m_terminal, 1);

    auto *line = new QHBoxLayout;
    line->setSpacing(6);
    auto *prompt = new QLabel(QStringLiteral("$"), this);
    prompt->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_input = new HistoryLineEdit(this);
    m_input->setObjectName(QStringLiteral("cmdInput"));
    m_input->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_input->setPlaceholderText(tr("ls -la"));
    m_input->setMaxEntries(kHistoryEntries);
    m_input->setClearButtonEnabled(true);
    prompt->setBuddy(m_input);
    m_run = new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Run"), this);
    m_run->setObjectName(QStringLiteral("cmdRun"));
    m_run->setToolTip(tr("Run the command (Enter)"));
    m_stop = new QPushButton(Panel::themedIcon(QStringLiteral("stop")), tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("cmdStop"));
    m_stop->setToolTip(tr("Stop waiting; the sandbox ends the command (Esc)"));
    m_stop->setEnabled(false);
    auto *limitLabel = new QLabel(tr("Limit"), this);
    m_timeLimit = new QSpinBox(this);
    m_timeLimit->setObjectName(QStringLiteral("cmdTimeLimit"));
    m_timeLimit->setRange(1, kDefaultTimeLimit);
    m_timeLimit->setValue(kDefaultTimeLimit);
    m_timeLimit->setSuffix(tr(" s"));
    m_timeLimit->setToolTip(tr("Wall-clock limit: the sandbox kills the command after this long"));
    limitLabel->setBuddy(m_timeLimit);
    line->addWidget(prompt);
    line->addWidget(m_input, 1);
    line->addWidget(limitLabel);
    line->addWidget(m_timeLimit);
    line->addWidget(m_run);
    line->addWidget(m_stop);
    layout->addLayout(line);

    auto *examples = new QHBoxLayout;
    examples->setSpacing(4);
    examples->addWidget(makeMutedLabel(tr("Try:"), this));
    for (const QString &example :
         {QStringLiteral("uname -a"), QStringLiteral("id"), QStringLiteral("ps aux"),
          QStringLiteral("df -h"), QStringLiteral("ls /nonexistent")}) {
        auto *button = new QToolButton(this);
        button->setText(example);
        button->setToolTip(tr("Run %1").arg(example));
        button->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        connect(button, &QToolButton::clicked, this, [this, example] {
            m_input->setText(example);
            run(example);
        });
        examples->addWidget(button);
    }
    examples->addStretch(1);
    layout->addLayout(examples);

    m_curl = new CurlBar(this);
    m_curl->setObjectName(QStringLiteral("cmdCurl"));
    layout->addWidget(m_curl);

    connect(m_input, &QLineEdit::returnPressed, this, &CommandPanel::runInput);
    connect(m_input, &QLineEdit::textChanged, this, &CommandPanel::updateCurl);
    connect(m_timeLimit, &QSpinBox::valueChanged, this,
            [this] { updateCurl(m_input->text().isEmpty() ? m_running : m_input->text()); });
    connect(m_run, &QPushButton::clicked, this, &CommandPanel::runInput);
    connect(m_stop, &QPushButton::clicked, this, &CommandPanel::stop);
    connect(m_clear, &QToolButton::clicked, this, &CommandPanel::clearTranscript);
    addShortcut(QKeySequence(Qt::Key_Escape), [this] { stop(); });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), [this] { clearTranscript(); });
}

void CommandPanel::saveState()
{
    persistHistory();
    context().settings->setPanelValue(kPanel, QStringLiteral("input"), m_input->text());
    context().settings->setPanelValue(kPanel, QStringLiteral("timeLimit"), m_timeLimit->value());
}

void CommandPanel::persistHistory()
{
    context().settings->setPanelValue(kPanel, QStringLiteral("history"), m_input->history());
}

void CommandPanel::activated()
{
    if (m_health.isEmpty())
        refreshHealth();
    m_input->setFocus();
}

void CommandPanel::serverReady()
{
    // GET /run wakes a container instance: only when the section is looked at.
    m_health = {};
    if (isVisible())
        refreshHealth();
    updateCurl(m_input->text());
}

void CommandPanel::refreshHealth()
{
    if (!context().api->baseUrl().isValid())
        return;
    m_sandbox->set(tr("checking sandbox…"), StatusBadge::Tone::Neutral);
    m_network->set(QString(), StatusBadge::Tone::Neutral);
    context().api->get(QStringLiteral("/run"), this, [this](const ApiResponse &r) {
        m_health = r.json();
        if (!r.ok()) {
            m_sandbox->set(tr("unavailable"), StatusBadge::Tone::Bad);
            m_sandbox->setToolTip(r.describeError());
            m_network->set(QString(), StatusBadge::Tone::Neutral);
            m_containment->hide();
            m_error->showMessage(MessageBanner::Tone::Warning,
                                 tr("Commands cannot run right now: %1").arg(r.describeError()));
            Q_EMIT healthLoaded();
            return;
        }
        const QString sandbox = m_health.value(QStringLiteral("sandbox")).toString();
        const bool healthy =
            m_health.value(QStringLiteral("status")).toString() != QLatin1String("unavailable");
        const bool unsandboxed = sandbox.contains(QLatin1String("UNSANDBOXED"));
        m_sandbox->set(sandbox.isEmpty() ? tr("sandbox unknown") : tr("sandbox: %1").arg(sandbox),
                       !healthy || unsandboxed ? StatusBadge::Tone::Bad : StatusBadge::Tone::Good);
        m_sandbox->setToolTip(m_health.value(QStringLiteral("containment")).toString());
        const bool network = m_health.value(QStringLiteral("network")).toBool();
        m_network->set(network ? tr("network on") : tr("network off"),
                       network ? StatusBadge::Tone::Warning : StatusBadge::Tone::Good);
        m_network->setToolTip(network ? tr("Commands can reach the network")
                                      : tr("Commands have no network access"));
        const QString containment = m_health.value(QStringLiteral("containment")).toString();
        m_containment->setText(containment.isEmpty() ? QString()
                                                     : tr("Containment: %1").arg(containment));
        m_containment->setVisible(!containment.isEmpty());
        if (!healthy)
            m_error->showMessage(MessageBanner::Tone::Warning,
                                 tr("Commands cannot run safely here: %1")
                                     .arg(m_health.value(QStringLiteral("reason")).toString()));
        else if (!isRunning())
            m_error->clear();
        Q_EMIT healthLoaded();
    });
}

void CommandPanel::updateCurl(const QString &command)
{
    m_curl->setCommand(context().api->curlCommand("POST", QStringLiteral("/run"),
                                                  {{"Content-Type", "application/json"}},
                                                  requestBody(command, m_timeLimit->value())));
}

QByteArray CommandPanel::requestBody(const QString &command, int timeLimitSeconds)
{
    QJsonObject body{{QStringLiteral("command"), command}};
    if (timeLimitSeconds > 0 && timeLimitSeconds < kDefaultTimeLimit)
        body.insert(QStringLiteral("timeout"), timeLimitSeconds);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void CommandPanel::runInput()
{
    run(m_input->text());
}

void CommandPanel::run(const QString &command)
{
    if (command.trimmed().isEmpty()) {
        m_input->setFocus();
        return;
    }
    if (m_reply)
        stop();
    m_input->addToHistory(command);
    persistHistory();
    m_input->clear();
    m_error->clear();
    m_running = command;
    updateCurl(command);
    appendText(QStringLiteral("$ ") + command + QLatin1Char('\n'), QStringLiteral("prompt"));
    m_exit->set(tr("running"), StatusBadge::Tone::Busy);
    m_timedOut->set(QString(), StatusBadge::Tone::Neutral);
    m_truncated->set(QString(), StatusBadge::Tone::Neutral);
    m_duration->setText(QStringLiteral("—"));
    m_busy->start(tr("Running…"));
    m_run->setEnabled(false);
    m_stop->setEnabled(true);
    const quint64 sequence = ++m_sequence;
    const QByteArray body = requestBody(command, m_timeLimit->value());
    m_reply =
        context().api->call("POST", QStringLiteral("/run"), body,
                            {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                            this, [this, sequence, command](const ApiResponse &r) {
                                if (sequence != m_sequence)
                                    return;
                                m_reply.clear();
                                showOutcome(outcomeFrom(command, r));
                            });
}

void CommandPanel::stop()
{
    if (!m_reply)
        return;
    // Closing the connection is the cancel signal: the runner aborts the sandboxed command.
    ++m_sequence; // the aborted reply's answer is not shown
    ApiClient::abandon(m_reply, context().api);
    m_reply.clear();
    Outcome stopped;
    stopped.command = m_running;
    stopped.stopped = true;
    stopped.elapsedMs = m_busy->elapsedMs();
    showOutcome(stopped);
}

CommandPanel::Outcome CommandPanel::outcomeFrom(const QString &command, const ApiResponse &r)
{
    Outcome o;
    o.command = command;
    o.httpStatus = r.status;
    o.elapsedMs = r.elapsedMs;
    const QJsonObject json = r.json();
    // The runner's answer has its shape for 200 and for a blocked command (403).
    if (json.contains(QStringLiteral("exit_code")) && json.contains(QStringLiteral("output"))) {
        o.output = json.value(QStringLiteral("output")).toString();
        o.error = json.value(QStringLiteral("error")).toString();
        o.exitCode = json.value(QStringLiteral("exit_code")).toInt();
        o.hasExitCode = true;
        o.truncated = json.value(QStringLiteral("truncated")).toBool();
        o.timedOut =
            o.exitCode == kTimeoutExitCode && o.error.contains(QLatin1String("timed out after"));
        if (!r.ok())
            o.failure = r.errorMessage.isEmpty()
                            ? QStringLiteral("%1 — %2").arg(r.status).arg(o.error)
                            : r.describeError();
        return o;
    }
    o.failure = r.describeError();
    return o;
}

void CommandPanel::showOutcome(const Outcome &o)
{
    m_last = o;
    m_busy->stop();
    m_run->setEnabled(true);
    m_stop->setEnabled(false);
    m_duration->setText(DisplayFormat::duration(double(o.elapsedMs)));
    appendStream(o.output, QStringLiteral("stdout"));
    appendStream(o.error, QStringLiteral("stderr"));
    QStringList notes;
    if (o.stopped) {
        m_exit->set(tr("stopped"), StatusBadge::Tone::Neutral);
        notes << tr("stopped after %1").arg(DisplayFormat::duration(double(o.elapsedMs)));
    } else if (o.hasExitCode) {
        m_exit->set(tr("exit %1").arg(o.exitCode),
                    o.exitCode == 0 ? StatusBadge::Tone::Good : StatusBadge::Tone::Bad);
        notes << tr("exit %1").arg(o.exitCode) << DisplayFormat::duration(double(o.elapsedMs));
    } else {
        m_exit->set(o.httpStatus ? DisplayFormat::httpStatus(o.httpStatus) : tr("no answer"),
                    StatusBadge::Tone::Bad);
        notes << tr("error") << DisplayFormat::duration(double(o.elapsedMs));
    }
    m_timedOut->set(o.timedOut ? tr("timed out") : QString(), StatusBadge::Tone::Warning);
    m_truncated->set(o.truncated ? tr("output truncated") : QString(), StatusBadge::Tone::Warning);
    if (o.timedOut)
        notes << tr("timed out");
    if (o.truncated)
        notes << tr("output truncated");
    if (!o.failure.isEmpty()) {
        m_error->showMessage(MessageBanner::Tone::Error, o.failure);
        if (!o.hasExitCode)
            appendText(o.failure + QLatin1Char('\n'), QStringLiteral("stderr"));
    }
    appendText(QStringLiteral("[%1]\n").arg(notes.join(QStringLiteral(" · "))),
               QStringLiteral("meta"));
    m_input->setFocus();
    Q_EMIT finished();
}

void CommandPanel::appendText(const QString &text, const QString &role)
{
    const QPalette pal = m_terminal->palette();
    const bool dark = isDark(pal);
    QTextCharFormat format;
    if (role == QLatin1String("prompt")) {
        format.setForeground(dark ? QColor(0x7a, 0xb7, 0xff) : QColor(0x1f, 0x5f, 0xc4));
        format.setFontWeight(QFont::Bold);
    } else if (role == QLatin1String("stderr")) {
        format.setForeground(dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc6, 0x28, 0x28));
    } else if (role == QLatin1String("meta")) {
        QColor muted = pal.color(QPalette::Text);
        muted.setAlphaF(0.55);
        format.setForeground(muted);
    } else {
        format.setForeground(pal.color(QPalette::Text));
    }
    format.setProperty(QTextFormat::UserProperty, role);
    QScrollBar *bar = m_terminal->verticalScrollBar();
    QTextDocument *document = m_terminal->document();
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    // Every chunk starts on its own line; a blank line separates one run from the next.
    if (!document->isEmpty()) {
        if (role == QLatin1String("prompt"))
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
    }
    QString chunk = text;
    if (chunk.endsWith(QLatin1Char('\n')))
        chunk.chop(1);
    cursor.insertText(chunk, format);
    bar->setValue(bar->maximum());
}

void CommandPanel::appendStream(const QString &text, const QString &role)
{
    if (text.isEmpty())
        return;
    // Laying out a megabyte of text (worse, one megabyte-long line) freezes a text view for
    // seconds: the transcript shows the start, the full answer stays one curl away.
    QString shown = text.left(kDisplayChars);
    if (!shown.endsWith(QLatin1Char('\n')))
        shown += QLatin1Char('\n');
    appendText(shown, role);
    if (text.size() > kDisplayChars)
        appendText(tr("… %1 more characters of %2 not shown here; Copy as curl gets all of it\n")
                       .arg(text.size() - kDisplayChars)
                       .arg(role),
                   QStringLiteral("meta"));
}

QString CommandPanel::transcript() const
{
    return m_terminal->toPlainText();
}

void CommandPanel::clearTranscript()
{
    m_terminal->clear();
}

} // namespace edgedesk
