"""The branch calendar: tasks from plans or typed by hand, the periods a secretary asks about, the agenda."""
