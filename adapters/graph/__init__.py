"""Microsoft Graph, as far as timebot reads it: the person's calendar (`calendarView` with delta)."""

from adapters.graph.calendar import CalendarChanges, GraphCalendar

__all__ = ["CalendarChanges", "GraphCalendar"]
