#pragma once

#include <QString>

#include <functional>

class QWidget;

namespace edgedesk {

// The "are you sure?" step before a destructive action. Asks with a modal QMessageBox the user
// answers; tests install a handler instead, so they never have to chase a nested event loop.
class ConfirmPrompt final
{
public:
    using Handler = std::function<bool(const QString &title, const QString &text)>;

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // `action` labels the accepting button ("Delete"); Cancel is the default button.
    bool ask(QWidget *parent, const QString &title, const QString &text,
             const QString &action) const;

private:
    Handler m_handler;
};

} // namespace edgedesk
