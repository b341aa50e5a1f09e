"""The times Excel report: a streaming spreadsheet writer, and the signed single-use file store that
delivers it.

Framework-free: no aiohttp, no Bot Framework. `bot.service.reports` feeds rows from the backend into
`xlsx.ReportWriter`; `bot.features.reports` and the transport's `GET /files/{token}` hand the file out through
`files.FileStore`.
"""
