// The resources are compiled into this static library; nothing else lives here.
