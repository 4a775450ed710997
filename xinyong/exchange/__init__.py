"""Exchange with upper-level platforms (信用中国, the provincial platform, NECIPS, credit
reporting agencies): an outbox of events written in the same transaction as the change."""

from xinyong.exchange.service import export_pending, insert_event, queue_event
from xinyong.exchange.tables import ExchangeEvent

__all__ = ["ExchangeEvent", "export_pending", "insert_event", "queue_event"]
