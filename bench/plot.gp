# SPDX-License-Identifier: MIT
# CPU time of each init per forwarded signal and per reaped orphan (median, bars: min-max).
# Called by bench.py with: gnuplot -e "datafile='...'; outfile='...'" bench/plot.gp
set terminal pngcairo size 900,480 font "sans,11" noenhanced
set output outfile
set title "CPU time of the init per event (median of runs; whiskers: min-max)"
set ylabel "microseconds of init CPU"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set key top left
plot datafile using 2:3:4:xtic(1) title "per forwarded signal" lc rgb "#3b75af", \
     '' using 5:6:7 title "per reaped orphan" lc rgb "#ef8636"
