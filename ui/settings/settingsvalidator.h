#pragma once

#include <QList>
#include <QString>

namespace edgedesk {

class ManagedConfig;

// The Settings form's fields as typed.
struct SettingsInput
{
    struct SleepAfter
    {
        QString className;
        QString text;
    };

    QString port;
    QString bind;
    QString token;
    QString dataDir;
    QString provider; // "", "openai" or "workers-ai"
    QString baseUrl;
    QString model;
    QString account;
    QString secretName;
    bool keyTyped = false;  // an API key is in the key field
    bool keyStored = false; // the key's secret is in the running server's store
    bool serving = false;   // whether keyStored can be known
    QList<SleepAfter> sleepAfter;
    // The configuration the form would write, checked as the server will load it (optional).
    const ManagedConfig *patched = nullptr;
};

// The first thing wrong with a SettingsInput: the field to fix and a sentence saying how.
struct SettingsProblem
{
    enum class Field
    {
        None,
        Port,
        Bind,
        Token,
        DataDir,
        BaseUrl,
        Model,
        Account,
        SecretName,
        ApiKey,
        SleepAfter, // of `className`
        Configuration
    };

    Field field = Field::None;
    QString className;
    QString message;

    bool ok() const { return field == Field::None; }
};

// Every rule the Settings section applies before anything is stored: a pure function of what
// was typed, so each rule has a test of its own.
SettingsProblem validateSettings(const SettingsInput &input);

// The secret the AI key is stored under: the typed name, else the provider's usual one.
QString aiKeySecretName(const QString &provider, const QString &typed);

} // namespace edgedesk
