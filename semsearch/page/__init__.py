"""What the page needs besides layout: strings, samples, state. Never imports streamlit."""
