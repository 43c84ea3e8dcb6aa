// Parse .ics files with ical.js (the parser behind Thunderbird's calendar) and print
// what it read as JSON, for tests/conformance: one entry per file, in argv order.
//
//   node conformance/parse.mjs a.ics b.ics
//   [{"path": "a.ics", "vtimezones": [], "events": [{"uid": ..., "start": ...}]}, ...]
//
// A file ical.js refuses gives {"path": ..., "error": "..."} instead; the exit code
// is 0 either way, so the caller decides what an error means.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// A DATE as YYYY-MM-DD; a DATE-TIME as a UTC ISO instant (floating times stay
// floating, marked by the missing Z, so the caller can refuse them).
function moment(time) {
  if (time === null || time === undefined) {
    return null;
  }
  if (time.isDate) {
    return { date: time.toString() };
  }
  const zone = time.zone;
  if (zone === ICAL.Timezone.localTimezone || zone === undefined || zone === null) {
    return { floating: time.toString() };
  }
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  const day = `${pad(utc.year, 4)}-${pad(utc.month)}-${pad(utc.day)}`;
  return { datetime: `${day}T${pad(utc.hour)}:${pad(utc.minute)}:${pad(utc.second)}Z` };
}

function texts(component, name) {
  return component.getAllProperties(name).flatMap((prop) => prop.getValues().map(String));
}

function tzidsOf(component) {
  const used = new Set();
  const walk = (comp) => {
    for (const prop of comp.getAllProperties()) {
      const tzid = prop.getParameter("tzid");
      if (tzid) {
        used.add(String(tzid));
      }
    }
    comp.getAllSubcomponents().forEach(walk);
  };
  walk(component);
  return [...used].sort();
}

function readEvent(vevent) {
  const event = new ICAL.Event(vevent);
  const end = vevent.hasProperty("dtend") ? event.endDate : null;
  return {
    uid: vevent.getFirstPropertyValue("uid"),
    dtstamp: vevent.hasProperty("dtstamp"),
    start: moment(vevent.hasProperty("dtstart") ? event.startDate : null),
    end: moment(end),
    summary: vevent.getFirstPropertyValue("summary"),
    description: vevent.getFirstPropertyValue("description"),
    status: vevent.getFirstPropertyValue("status"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    steps: texts(vevent, "categories"),
    tzids: tzidsOf(vevent),
    alarms: vevent.getAllSubcomponents("valarm").length,
  };
}

function readFile(path) {
  const text = readFileSync(path, "utf8");
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== "vcalendar") {
    throw new Error(`top component is ${calendar.name}, not vcalendar`);
  }
  const vtimezones = calendar.getAllSubcomponents("vtimezone");
  // Register the file's own zones so TZID times convert to UTC with its rules.
  for (const vtimezone of vtimezones) {
    ICAL.TimezoneService.register(vtimezone);
  }
  return {
    path,
    method: calendar.getFirstPropertyValue("method"),
    vtimezones: vtimezones.map((z) => String(z.getFirstPropertyValue("tzid"))).sort(),
    events: calendar.getAllSubcomponents("vevent").map(readEvent),
  };
}

const results = process.argv.slice(2).map((path) => {
  try {
    return readFile(path);
  } catch (error) {
    return { path, error: String(error && error.stack ? error.message : error) };
  } finally {
    ICAL.TimezoneService.reset();
  }
});
process.stdout.write(JSON.stringify(results, null, 1) + "\n");
