"""Date and time formats for the tracker: UK order with the 24-hour clock."""
