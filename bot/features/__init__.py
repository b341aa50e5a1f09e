"""One router per feature; `bot.timebot` includes them in order."""
