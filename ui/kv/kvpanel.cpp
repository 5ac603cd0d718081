#include "kv/kvpanel.h"

#include "appsettings.h"
#include "kv/keylist.h"
#include "kv/valueeditor.h"
#include "widgets/bindingpages.h"
#include "widgets/displayformat.h"
#include "widgets/sectionheading.h"

#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QNetworkReply>
#include <QSplitter>
#include <QTime>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("kv");

} // namespace

KvPanel::KvPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("kv"), tr("KV"), QStringLiteral("kv"), context, parent)
{
    buildUi();
}

void KvPanel::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(new SectionHeading(
        tr("KV"),
        tr("The keys of the KV namespace, stored in SQLite: filter by prefix, open a key to "
           "edit its value, metadata and expiry."),
        this));
    m_pages = new BindingPages(QStringLiteral("kv"),
                               tr("The keys appear as soon as the local server is serving."), this);
    m_pages->intro()->setObjectName(QStringLiteral("kvIntro"));
    outer->addWidget(m_pages);

    AppSettings *settings = context().settings;
    m_splitter = new QSplitter(Qt::Horizontal, m_pages->browser());
    m_splitter->setChildrenCollapsible(false);
    m_list =
        new KeyList(context().api,
                    settings->panelValue(kPanel, QStringLiteral("prefix")).toString(), m_splitter);
    m_editor = new ValueEditor(settings, kPanel, m_splitter);
    m_splitter->addWidget(m_list);
    m_splitter->addWidget(m_editor);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    if (!m_splitter->restoreState(
            settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        m_splitter->setSizes({440, 660});
    m_pages->browserLayout()->addWidget(m_splitter, 1);

    connect(m_list, &KeyList::keyChosen, this, [this](const QString &key, const QString &previous) {
        if (key == m_editor->openedKey() && !m_editor->isNew())
            return;
        if (!confirmDiscard()) {
            m_list->showCurrent(previous);
            return;
        }
        openKey(key);
    });
    connect(m_list, &KeyList::listed, this, [this] {
        if (!m_editor->openedKey().isEmpty())
            m_list->showCurrent(m_editor->openedKey());
        updateDeleteButton();
    });
    connect(m_list, &KeyList::newKeyRequested, this, &KvPanel::newKey);
    connect(m_list, &KeyList::deleteRequested, this, &KvPanel::deleteCurrent);
    connect(m_editor, &ValueEditor::saveRequested, this, &KvPanel::save);

    addShortcut(QKeySequence::New, [this] { newKey(); });
    addShortcut(QKeySequence::Save, [this] {
        if (m_editor->isOpen())
            save();
    });
    addShortcut(QKeySequence::Find, [this] { m_list->focusFilter(); });
    addShortcut(QKeySequence::Refresh, [this] { refresh(); });
    addShortcut(
        QKeySequence::Delete, [this] { deleteCurrent(); }, m_list->tree());
}

QString KvPanel::keyPath(const QString &key) const
{
    return QStringLiteral("/__edgedesk/v1/kv/%1/keys/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_binding)),
             QString::fromLatin1(QUrl::toPercentEncoding(key)));
}

void KvPanel::setPageSize(int keys)
{
    m_list->setPageSize(keys);
}

int KvPanel::pageSize() const
{
    return m_list->pageSize();
}

QStringList KvPanel::listedKeys() const
{
    return m_list->listedKeys();
}

QString KvPanel::openedKey() const
{
    return m_editor->openedKey();
}

bool KvPanel::valueIsBinary() const
{
    return m_editor->isBinary();
}

void KvPanel::activated()
{
    if (!m_binding.isEmpty() && !m_list->isLoading())
        refresh();
}

void KvPanel::serverReady()
{
    loadConfig();
}

void KvPanel::saveState()
{
    AppSettings *s = context().settings;
    s->setPanelValue(kPanel, QStringLiteral("prefix"), m_list->prefix());
    s->setPanelValue(kPanel, QStringLiteral("key"), m_editor->openedKey());
    s->setPanelValue(kPanel, QStringLiteral("splitter"), m_splitter->saveState());
    m_editor->saveState(s, kPanel);
}

void KvPanel::loadConfig()
{
    m_pages->readConfig(context().api, [this](const QJsonObject &config) {
        const QString binding = config.value(QStringLiteral("kv_namespaces"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("binding"))
                                    .toString();
        if (binding.isEmpty()) {
            m_binding.clear();
            m_list->setNamespace(QString());
            m_pages->showHint(tr("No KV namespace is configured"),
                              tr("Add a \"kv_namespaces\" entry to your wrangler.jsonc, for "
                                 "example [{\"binding\": \"MY_KV\"}], then restart the "
                                 "server from Settings."));
            return;
        }
        const bool first = m_binding.isEmpty();
        m_binding = binding;
        m_list->setNamespace(binding);
        m_pages->showBrowser(tr("<b>%1</b> — key-value storage: short values your code reads "
                                "and writes by key (<code>GET /kv?key=…</code>). Values up to "
                                "25 MiB, with optional JSON metadata and an expiration.")
                                 .arg(binding.toHtmlEscaped()));
        refresh();
        const QString last =
            context().settings->panelValue(kPanel, QStringLiteral("key")).toString();
        if (first && !last.isEmpty() && m_editor->openedKey().isEmpty() && !m_editor->isNew())
            openKey(last);
    });
}

void KvPanel::refresh()
{
    m_list->refresh();
}

void KvPanel::updateDeleteButton()
{
    m_list->setDeleteEnabled(!m_editor->openedKey().isEmpty() && !m_editor->isNew());
}

void KvPanel::openKey(const QString &key)
{
    if (m_binding.isEmpty() || key.isEmpty())
        return;
    const quint64 generation = ++m_valueGeneration;
    m_editor->setStatus(tr("Loading “%1”…").arg(key));
    context().api->get(keyPath(key), this, [this, generation, key](const ApiResponse &r) {
        if (generation != m_valueGeneration)
            return;
        if (!r.ok()) {
            m_editor->setStatus(tr("Cannot read “%1”: %2").arg(key, r.describeError()), true);
            if (r.status == 404)
                refresh();
            return;
        }
        showValue(key, r);
    });
}

void KvPanel::showValue(const QString &key, const ApiResponse &response)
{
    m_editor->showValue(key, response);
    m_list->showCurrent(key);
    updateDeleteButton();
}

void KvPanel::newKey()
{
    if (m_binding.isEmpty() || !confirmDiscard())
        return;
    ++m_valueGeneration;
    m_editor->showNewKey();
    m_list->showCurrent(QString());
    updateDeleteButton();
}

void KvPanel::loadValueFromFile(const QString &path)
{
    const bool wasOpen = m_editor->isOpen();
    m_editor->loadValueFromFile(path);
    if (!wasOpen && m_editor->isOpen()) {
        m_list->showCurrent(QString());
        updateDeleteButton();
    }
}

bool KvPanel::confirmDiscard()
{
    if (!m_editor->isModified())
        return true;
    const QString name =
        m_editor->isNew() ? tr("the new key") : QStringLiteral("“%1”").arg(m_editor->openedKey());
    return m_confirm.ask(this, tr("Discard changes?"),
                         tr("Your changes to %1 are not saved. Discard them?").arg(name),
                         tr("Discard"));
}

void KvPanel::save()
{
    if (m_binding.isEmpty() || !m_editor->isOpen())
        return;
    if (m_saving) {
        m_editor->setStatus(tr("Still saving…"));
        return;
    }
    const auto write = m_editor->write();
    if (!write) {
        m_editor->setStatus(write.error().message, true);
        return;
    }
    const QString key = write->key;
    if (m_editor->isNew() && listedKeys().contains(key) &&
        !m_confirm.ask(this, tr("Replace the key?"),
                       tr("“%1” already exists in %2. Replace its value?").arg(key, m_binding),
                       tr("Replace")))
        return;

    m_editor->setStatus(tr("Saving “%1”…").arg(key));
    m_editor->setSaving(true);
    const QByteArray value = write->value;
    m_saving = context().api->call(
        "PUT", keyPath(key) + write->query, value, write->headers, this,
        [this, key, value](const ApiResponse &r) {
            m_editor->setSaving(false);
            if (!r.ok()) {
                m_editor->setStatus(tr("Not saved: %1").arg(r.describeError()), true);
                return;
            }
            // The fresh copy shows what the server stored (and the absolute expiration).
            m_editor->markSaved(key, value);
            const quint64 generation = ++m_valueGeneration;
            context().api->get(
                keyPath(key), this,
                [this, generation, key, size = value.size()](const ApiResponse &fresh) {
                    if (generation != m_valueGeneration)
                        return;
                    if (fresh.ok())
                        showValue(key, fresh);
                    m_editor->setStatus(
                        tr("Saved “%1” (%2) at %3.")
                            .arg(key, DisplayFormat::bytes(size),
                                 QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
                });
            refresh();
        });
}

void KvPanel::deleteCurrent()
{
    const QString key = m_editor->openedKey();
    if (m_binding.isEmpty() || key.isEmpty() || m_editor->isNew())
        return;
    if (!m_confirm.ask(this, tr("Delete the key?"),
                       tr("Delete “%1” from %2? This cannot be undone.").arg(key, m_binding),
                       tr("Delete")))
        return;
    context().api->call("DELETE", keyPath(key), {}, {}, this, [this, key](const ApiResponse &r) {
        if (!r.ok()) {
            m_editor->setStatus(tr("Not deleted: %1").arg(r.describeError()), true);
            return;
        }
        if (m_editor->openedKey() == key) {
            ++m_valueGeneration;
            m_editor->showHint(tr("Deleted “%1”").arg(key),
                               tr("Select another key, or click New key (Ctrl+N)."));
        }
        updateDeleteButton();
        refresh();
    });
}

} // namespace edgedesk
