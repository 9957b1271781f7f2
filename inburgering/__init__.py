"""The Wet inburgering assistant: cited, dated answers over the Wi2021 sources."""
