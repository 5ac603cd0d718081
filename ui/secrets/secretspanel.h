#pragma once

#include "apiclient.h"
#include "panel.h"
#include "widgets/confirmprompt.h"

#include <QPointer>
#include <QStringList>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTreeWidget;

namespace edgedesk {

class BindingPages;
class EmptyHint;

// The Secrets section: the names in the secrets store with their dates, a masked field to set
// or rotate a value, and delete. Values travel one way only: the server never returns them, and
// the panel forgets what was typed once it is stored.
class SecretsPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretsPanel)

public:
    SecretsPanel(const PanelContext &context, QWidget *parent);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    QString storeBinding() const { return m_binding; }
    ConfirmPrompt &confirmPrompt() { return m_confirm; }

    // What the buttons do.
    void refresh();
    void saveSecret(); // the name and value in the form
    void deleteSelected();
    void selectSecret(const QString &name);

    QStringList storedNames() const { return m_stored; }
    // Names wrangler.jsonc expects that have no value yet.
    QStringList missingNames() const;

Q_SIGNALS:
    // A set, rotate or delete finished (tests wait for it).
    void secretChanged(const QString &name, bool ok);

private:
    void buildUi();
    void loadConfig();
    void showList(const QJsonObject &list);
    void updateForm();
    void setStatus(const QString &text, bool error = false);
    QString secretPath(const QString &name) const;

    ConfirmPrompt m_confirm;
    QString m_binding;
    QStringList m_expected;
    QStringList m_stored;
    quint64 m_listGeneration = 0;
    QPointer<QNetworkReply> m_saving;

    BindingPages *m_pages = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_list = nullptr;
    EmptyHint *m_listEmpty = nullptr;
    QLabel *m_listInfo = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_delete = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_value = nullptr;
    QCheckBox *m_show = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace edgedesk
