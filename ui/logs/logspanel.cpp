#include "logs/logspanel.h"

#include "logs/sourcepicker.h"

#include "apiclient.h"
#include "appsettings.h"
#include "serverhost.h"
#include "widgets/labels.h"
#include "widgets/logfiltermodel.h"
#include "widgets/logmodel.h"
#include "widgets/logview.h"
#include "widgets/sectionheading.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSaveFile>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("logs");

} // namespace

LogsPanel::LogsPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("logs"), tr("Logs"), QStringLiteral("logs"), context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new SectionHeading(
        tr("Logs"),
        tr("Every line from the server and from each container instance, as it is written. "
           "Filter by level or sources, search (text or regular expression), follow the newest "
           "line, export to a file."),
        this));

    auto *bar = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("logsSearch"));
    m_search->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(themedIcon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("logsLevel"));
    m_level->addItem(tr("All levels"), 0);
    m_level->addItem(tr("Info and above"), 1);
    m_level->addItem(tr("Warnings and errors"), 2);
    m_level->addItem(tr("Errors only"), 3);
    m_level->setToolTip(tr("Lowest level to show"));
    m_source = new SourcePicker(this);
    m_source->setObjectName(QStringLiteral("logsSource"));
    auto toggle = [this](const char *name, const QString &text, const QString &tip,
                         const QString &accessible) {
        auto *button = new QToolButton(this);
        button->setObjectName(QString::fromLatin1(name));
        button->setText(text);
        button->setToolTip(tip);
        button->setAccessibleName(accessible);
        button->setCheckable(true);
        return button;
    };
    m_caseSensitive = toggle("logsCase", QStringLiteral("Aa"), tr("Match case (Alt+C)"),
                             tr("Match case"));
    m_regex = toggle("logsRegex", QStringLiteral(".*"),
                     tr("Search with a regular expression (Alt+R)"), tr("Regular expression"));
    m_wrap = toggle("logsWrap", tr("Wrap"), tr("Wrap long lines instead of cutting them off"),
                    tr("Wrap long lines"));
    m_time = toggle("logsTime", tr("Time"), tr("Show the time of each line"),
                    tr("Show timestamps"));
    m_json = toggle("logsJson", QStringLiteral("{ }"),
                    tr("Show JSON lines parsed, one member a line"), tr("Show JSON parsed"));
    m_follow = new QToolButton(this);
    m_follow->setObjectName(QStringLiteral("logsFollow"));
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view (End)"));
    m_clear = new QToolButton(this);
    m_clear->setObjectName(QStringLiteral("logsClear"));
    m_clear->setText(tr("Clear view"));
    m_clear->setIcon(themedIcon(QStringLiteral("trash")));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear->setToolTip(tr("Empty this view; the server keeps its log (Ctrl+L)"));
    m_export = new QToolButton(this);
    m_export->setObjectName(QStringLiteral("logsExport"));
    m_export->setText(tr("Export…"));
    m_export->setIcon(themedIcon(QStringLiteral("download")));
    m_export->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_export->setToolTip(tr("Save the lines shown to a file (Ctrl+S)"));
    bar->setSpacing(4);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_caseSensitive);
    bar->addWidget(m_regex);
    bar->addSpacing(6);
    bar->addWidget(m_level);
    bar->addWidget(m_source);
    bar->addSpacing(6);
    bar->addWidget(m_wrap);
    bar->addWidget(m_time);
    bar->addWidget(m_json);
    bar->addSpacing(6);
    bar->addWidget(m_follow);
    bar->addWidget(m_clear);
    bar->addWidget(m_export);
    layout->addLayout(bar);

    m_stack = new QStackedWidget(this);
    m_view = new LogView(m_stack);
    m_view->setObjectName(QStringLiteral("logsView"));
    m_empty = new QLabel(m_stack);
    m_empty->setObjectName(QStringLiteral("logsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);

    auto *footer = new QHBoxLayout;
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("logsMessage"));
    m_message->setWordWrap(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("logsCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    footer->addWidget(m_message, 1);
    footer->addWidget(m_count);
    layout->addLayout(footer);

    AppSettings *settings = this->context().settings;
    m_search->setText(settings->panelValue(kPanel, QStringLiteral("search")).toString());
    m_level->setCurrentIndex(
        std::clamp(settings->panelValue(kPanel, QStringLiteral("level"), 0).toInt(), 0, 3));
    const QStringList savedSources =
        settings->panelValue(kPanel, QStringLiteral("sources")).toStringList();
    addSources(savedSources);
    m_source->setChosen(QSet<QString>(savedSources.begin(), savedSources.end()));
    m_caseSensitive->setChecked(
        settings->panelValue(kPanel, QStringLiteral("caseSensitive"), false).toBool());
    m_regex->setChecked(settings->panelValue(kPanel, QStringLiteral("regex"), false).toBool());
    m_wrap->setChecked(settings->panelValue(kPanel, QStringLiteral("wrap"), true).toBool());
    m_time->setChecked(settings->panelValue(kPanel, QStringLiteral("time"), true).toBool());
    m_json->setChecked(settings->panelValue(kPanel, QStringLiteral("json"), false).toBool());
    m_view->setWrap(m_wrap->isChecked());
    m_view->setShowTime(m_time->isChecked());
    m_view->setParseJson(m_json->isChecked());
    m_follow->setChecked(settings->panelValue(kPanel, QStringLiteral("follow"), true).toBool());
    m_view->setFollow(m_follow->isChecked());
    applyFilters();

    connect(m_search, &QLineEdit::textChanged, this, &LogsPanel::applyFilters);
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogsPanel::applyFilters);
    connect(m_source, &SourcePicker::chosenChanged, this, &LogsPanel::applyFilters);
    connect(m_caseSensitive, &QToolButton::toggled, this, &LogsPanel::applyFilters);
    connect(m_regex, &QToolButton::toggled, this, &LogsPanel::applyFilters);
    connect(m_wrap, &QToolButton::toggled, m_view, &LogView::setWrap);
    connect(m_time, &QToolButton::toggled, m_view, &LogView::setShowTime);
    connect(m_json, &QToolButton::toggled, m_view, &LogView::setParseJson);
    connect(m_follow, &QToolButton::toggled, m_view, &LogView::setFollow);
    connect(m_view, &LogView::followChanged, m_follow, &QToolButton::setChecked);
    connect(m_clear, &QToolButton::clicked, this, &LogsPanel::clearView);
    connect(m_export, &QToolButton::clicked, this, &LogsPanel::exportWithDialog);
    connect(m_view->filterModel(), &QAbstractItemModel::rowsInserted, this,
            &LogsPanel::updateCount);
    connect(m_view->filterModel(), &QAbstractItemModel::rowsRemoved, this, &LogsPanel::updateCount);
    connect(m_view->filterModel(), &QAbstractItemModel::modelReset, this, &LogsPanel::updateCount);
    connect(m_view->filterModel(), &QAbstractItemModel::layoutChanged, this,
            &LogsPanel::updateCount);

    addShortcut(QKeySequence::Find, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), [this] { clearView(); });
    addShortcut(QKeySequence(Qt::ALT | Qt::Key_C), [this] { m_caseSensitive->toggle(); });
    addShortcut(QKeySequence(Qt::ALT | Qt::Key_R), [this] { m_regex->toggle(); });
    addShortcut(QKeySequence::Save, [this] { exportWithDialog(); });
    addShortcut(QKeySequence(Qt::Key_End), [this] { m_follow->setChecked(true); });

    // Lines arrive one signal each; they are shown in batches a few times a second so a chatty
    // instance cannot make the window stutter.
    m_flushTimer.setInterval(150);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogsPanel::flush);
    m_flushTimer.start();
    connect(this->context().host, &ServerHost::logAppended, this, &LogsPanel::onEntry);
    updateCount();
}

void LogsPanel::activated()
{
    if (!m_loaded && !m_loading && this->context().host->isServing())
        load();
}

void LogsPanel::serverReady()
{
    if (!m_loaded && !m_loading)
        load();
}

void LogsPanel::saveState()
{
    AppSettings *settings = context().settings;
    settings->setPanelValue(kPanel, QStringLiteral("search"), m_search->text());
    settings->setPanelValue(kPanel, QStringLiteral("level"), m_level->currentIndex());
    const QSet<QString> chosen = m_source->chosen();
    QStringList sources(chosen.begin(), chosen.end());
    sources.sort();
    settings->setPanelValue(kPanel, QStringLiteral("sources"), sources);
    settings->setPanelValue(kPanel, QStringLiteral("caseSensitive"), m_caseSensitive->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("regex"), m_regex->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("wrap"), m_wrap->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("time"), m_time->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("json"), m_json->isChecked());
    settings->setPanelValue(kPanel, QStringLiteral("follow"), m_follow->isChecked());
}

void LogsPanel::load()
{
    m_loading = true;
    m_message->setText(tr("Loading the last 2,000 lines…"));
    context().api->get(
        QStringLiteral("/__edgedesk/v1/logs?tail=2000"), this, [this](const ApiResponse &r) {
            m_loading = false;
            m_loaded = true;
            if (!r.ok()) {
                m_message->setText(tr("Could not load earlier lines: %1. New lines still appear.")
                                       .arg(r.describeError()));
                flush();
                return;
            }
            m_message->clear();
            const QJsonObject json = r.json();
            QStringList sources;
            for (const QJsonValue &s : json.value(QStringLiteral("sources")).toArray())
                sources.append(s.toString());
            QList<LogEntry> entries;
            for (const QJsonValue &v : json.value(QStringLiteral("lines")).toArray()) {
                LogEntry e = LogModel::fromJson(v.toObject());
                sources.append(e.source);
                entries.append(std::move(e));
            }
            addSources(sources);
            // Lines that arrived live while the request was on its way are already in the
            // answer; keep only the newer ones.
            const quint64 lastLoaded = entries.isEmpty() ? 0 : entries.constLast().seq;
            m_view->append(entries);
            QList<LogEntry> newer;
            for (const LogEntry &e : std::as_const(m_pending)) {
                if (e.seq > lastLoaded)
                    newer.append(e);
            }
            m_pending = newer;
            flush();
        });
}

void LogsPanel::onEntry(const LogEntry &entry)
{
    m_pending.append(entry);
    // Bounded even while the first fill is slow to come back.
    if (m_pending.size() > 2 * m_view->logModel()->capacity())
        m_pending.remove(0, m_pending.size() - m_view->logModel()->capacity());
}

void LogsPanel::flush()
{
    if (!m_loaded || m_pending.isEmpty())
        return;
    QStringList sources;
    for (const LogEntry &e : std::as_const(m_pending)) {
        if (!m_sources.contains(e.source))
            sources.append(e.source);
    }
    addSources(sources);
    m_view->append(m_pending);
    m_pending.clear();
}

void LogsPanel::addSources(const QStringList &sources)
{
    bool added = false;
    for (const QString &s : sources) {
        if (s.isEmpty() || m_sources.contains(s))
            continue;
        m_sources.insert(s);
        added = true;
    }
    if (!added)
        return;
    QStringList sorted(m_sources.begin(), m_sources.end());
    // "server" first, then the instances by name.
    std::sort(sorted.begin(), sorted.end(), [](const QString &a, const QString &b) {
        const bool as = a == QLatin1String("server");
        const bool bs = b == QLatin1String("server");
        if (as != bs)
            return as;
        return a < b;
    });
    m_source->setSources(sorted);
}

void LogsPanel::applyFilters()
{
    LogFilterModel *filter = m_view->filterModel();
    filter->setMinimumLevel(m_level->currentData().toInt());
    filter->setSources(m_source->chosen());
    const LogSearch search(m_search->text(), m_regex->isChecked(), m_caseSensitive->isChecked());
    m_view->setSearch(search);
    // A pattern that does not compile says why instead of silently showing nothing.
    if (!search.isValid())
        showStatus(m_message, tr("The regular expression is not valid: %1").arg(search.error()),
                   true);
    else if (m_message->property("error").toBool())
        showStatus(m_message, QString(), false);
    updateCount();
}

void LogsPanel::clearView()
{
    m_view->clear();
    m_message->setText(tr("View cleared at %1. The server keeps its own log; new lines appear "
                          "here as they come.")
                           .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    updateCount();
}

void LogsPanel::updateCount()
{
    const int shown = m_view->filterModel()->rowCount();
    const int total = m_view->logModel()->size();
    const QLocale locale;
    m_count->setText(
        shown == total ? (total == 1 ? tr("1 line") : tr("%1 lines").arg(locale.toString(total)))
                       : tr("%1 of %2 lines").arg(locale.toString(shown), locale.toString(total)));
    m_export->setEnabled(shown > 0);
    if (shown > 0) {
        m_stack->setCurrentWidget(m_view);
        return;
    }
    m_empty->setText(total > 0 ? tr("No line matches the filters.\nClear the search or choose "
                                    "\"All levels\" and \"All sources\" to see every line.")
                               : tr("No log lines yet.\nThe server and every container instance "
                                    "write here as they run: send a request from the API or "
                                    "Linux command section and watch it appear."));
    m_stack->setCurrentWidget(m_empty);
}

bool LogsPanel::exportTo(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const QStringList lines = m_view->visibleLines();
    for (const QString &line : lines) {
        file.write(line.toUtf8());
        file.write("\n");
    }
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void LogsPanel::exportWithDialog()
{
    const QString suggested =
        QDir(context()
                 .settings->panelValue(kPanel, QStringLiteral("exportDir"), QDir::homePath())
                 .toString())
            .filePath(
                QStringLiteral("edgedesk-%1.log")
                    .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the log"), suggested,
                                                      tr("Log files (*.log *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    context().settings->setPanelValue(kPanel, QStringLiteral("exportDir"),
                                      QFileInfo(path).absolutePath());
    QString error;
    if (exportTo(path, &error))
        m_message->setText(tr("Saved %1 lines to %2")
                               .arg(QLocale().toString(m_view->filterModel()->rowCount()), path));
    else
        m_message->setText(tr("Could not save %1: %2").arg(path, error));
}

} // namespace edgedesk
