/** Event kinds of the simulation (see docs/simulator.md). */
export const EV_ARRIVAL = 0;
export const EV_REACH = 1;
export const EV_LOADED = 2;
export const EV_DONE = 3;
export const EV_DETECT = 4;
export const EV_DOWN = 5;
export const EV_UP = 6;
export const EV_REFRESH = 7;
export const EV_SAMPLE = 8;
export const EV_WARMSET = 9;
