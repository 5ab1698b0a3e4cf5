"""Messages between a person and their clinicians (issue 18): one conversation per care link.

`conversations` holds the commands (send, mark as needing a reply) and the queries (the list,
one conversation, unread counts) with their read models; `about` what a message may point at.
Who may see a conversation is decided in one place, `conversations._conversation_for`.
"""
