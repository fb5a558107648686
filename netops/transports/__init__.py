"""Transports: how bytes and text move to and from devices (SNMP, SSH, SQL). No parsing here."""
