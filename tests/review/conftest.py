from tests.runtime.conftest import chat_twin, visitor_conversation  # noqa: F401 - the chat-ready twin
